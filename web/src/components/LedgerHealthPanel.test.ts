import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runReconciliation } from '../api/ledger';
import { getConnectionPoolStats } from '../api/pools';
import type { LedgerHealth } from '../api/types';
import { deferred, flushPromises, useFakeClock } from '../test/clock';
import { connectionStats, ledgerHealth, reconcileReport, T0 } from '../test/fixtures';
import LedgerHealthPanel from './LedgerHealthPanel.vue';
import { byId } from '../test/componentTest';

vi.mock('../api/pools', () => ({ getConnectionPoolStats: vi.fn() }));
vi.mock('../api/ledger', () => ({ runReconciliation: vi.fn() }));
const fetchStats = vi.mocked(getConnectionPoolStats);
const reconcile = vi.mocked(runReconciliation);

type Wrapper = ReturnType<typeof mount>;
const tone = (w: Wrapper, id: string) => byId(w, id).attributes('data-tone');

async function mountWith(ledger: Partial<LedgerHealth> = {}): Promise<Wrapper> {
  fetchStats.mockResolvedValue(connectionStats({ ledger: ledgerHealth(ledger) }));
  const w = mount(LedgerHealthPanel, { attachTo: document.body });
  await flushPromises();
  return w;
}

/** Opens the inline confirmation and confirms it, as the admin does. */
async function confirmReconcile(w: Wrapper): Promise<void> {
  await byId(w, 'reconcile-now').trigger('click');
  await byId(w, 'reconcile-now-confirm').trigger('click');
}

enableAutoUnmount(afterEach);
beforeEach(() => {
  useFakeClock();
  // Reset, not clear: answers queued with mock*Once by a failed test must not leak into the next.
  vi.resetAllMocks();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('LedgerHealthPanel', () => {
  it('shows loading until the first answer', async () => {
    fetchStats.mockReturnValue(deferred<ReturnType<typeof connectionStats>>().promise);
    const w = mount(LedgerHealthPanel);
    await flushPromises();
    expect(byId(w, 'ledger-loading').exists()).toBe(true);
    expect(byId(w, 'ledger-status').exists()).toBe(false);
  });

  it('says a quiet ledger is healthy, in words, with no reconciliation yet', async () => {
    const w = await mountWith();
    expect(byId(w, 'ledger-status').text()).toContain('healthy');
    expect(tone(w, 'ledger-status')).toBe('ok');
    expect(byId(w, 'ledger-unknown').text()).toMatch(/^\S+ 0 payments with unknown outcome$/);
    expect(byId(w, 'ledger-expired').text()).toContain('0 expired claims');
    expect(byId(w, 'ledger-lost-claims').text()).toContain('0 lost claims');
    expect(byId(w, 'ledger-mismatches').text()).toContain('0 amount mismatches');
    expect(byId(w, 'ledger-orphan-charges').text()).toMatch(/^\S+ 0 orphan charges$/);
    expect(byId(w, 'ledger-foreign-intents').text()).toMatch(/^\S+ 0 events of foreign PaymentIntents$/);
    const ids = ['ledger-unknown', 'ledger-expired', 'ledger-lost-claims', 'ledger-mismatches'];
    for (const id of [...ids, 'ledger-orphan-charges', 'ledger-foreign-intents']) {
      expect(tone(w, id)).toBe('ok');
    }
    expect(byId(w, 'ledger-last-run').text()).toBe('Last reconciliation: none yet.');
    expect(fetchStats).toHaveBeenCalledTimes(1);
  });

  it('counts payments waiting at the provider (requires_action, requires_payment_method, processing) as normal traffic', async () => {
    const quiet = await mountWith();
    expect(byId(quiet, 'ledger-waiting').text()).toMatch(
      /^\S+ 0 payments waiting at the provider \(requires_action, requires_payment_method, processing\)$/,
    );
    expect(tone(quiet, 'ledger-waiting')).toBe('ok');
    quiet.unmount();
    const w = await mountWith({ waiting: 2 });
    expect(byId(w, 'ledger-waiting').text()).toContain(
      '2 payments waiting at the provider (requires_action, requires_payment_method, processing)',
    );
    expect(byId(w, 'ledger-waiting').text()).toContain('settled by its webhook');
    expect(tone(w, 'ledger-waiting')).toBe('neutral');
    expect(byId(w, 'ledger-status').text()).toContain('healthy');
  });

  it('counts undecided payments with the age of the oldest, as a warning', async () => {
    const w = await mountWith({ unknown: 3, oldestUnknownAgeMs: 4 * 60_000 + 10_000, expiredPending: 1 });
    const unknown = byId(w, 'ledger-unknown').text();
    expect(unknown).toContain('3 payments with unknown outcome, oldest 4 min');
    expect(unknown).toContain('maybe charged');
    expect(tone(w, 'ledger-unknown')).toBe('warn');
    expect(byId(w, 'ledger-expired').text()).toContain('1 expired claim —');
    expect(tone(w, 'ledger-expired')).toBe('warn');
    expect(byId(w, 'ledger-status').text()).toContain('needs attention');
    expect(tone(w, 'ledger-status')).toBe('warn');
  });

  it.each<[string, Partial<LedgerHealth>, string]>([
    ['unknown payments', { unknown: 1, oldestUnknownAgeMs: 5000 }, 'ledger-unknown'],
    ['expired claims', { expiredPending: 2 }, 'ledger-expired'],
    ['events of foreign PaymentIntents', { foreignIntents: 3 }, 'ledger-foreign-intents'],
    ['refunds with unknown outcome', { unknownRefunds: 2 }, 'ledger-unknown-refunds'],
    ['orphan refunds', { orphanRefunds: 2 }, 'ledger-orphan-refunds'],
  ])('warns on %s alone', async (_, ledger, id) => {
    const w = await mountWith(ledger);
    expect(tone(w, id)).toBe('warn');
    expect(tone(w, 'ledger-status')).toBe('warn');
  });

  it.each<[string, Partial<LedgerHealth>]>([
    ['an amount mismatch', { mismatches: 1 }],
    ['a lost claim', { lostClaims: 1 }],
    ['an orphan charge', { orphanCharges: 1 }],
    ['a late success', { lateSuccesses: 1 }],
    ['a last pass with errors', { lastRun: reconcileReport({ errors: 2 }) }],
    ['an incident beside undecided payments', { unknown: 4, oldestUnknownAgeMs: 1000, mismatches: 1 }],
  ])('says "problem" for %s', async (_, ledger) => {
    const w = await mountWith(ledger);
    expect(byId(w, 'ledger-status').text()).toContain('problem');
    expect(tone(w, 'ledger-status')).toBe('bad');
  });

  it('shows pending refunds as normal traffic and unknown refunds as a warning', async () => {
    const w = await mountWith({ pendingRefunds: 3, unknownRefunds: 1 });
    expect(byId(w, 'ledger-pending-refunds').text()).toContain('3 refunds pending');
    expect(tone(w, 'ledger-pending-refunds')).toBe('neutral');
    expect(byId(w, 'ledger-unknown-refunds').text()).toContain('1 refund with unknown outcome');
    expect(tone(w, 'ledger-unknown-refunds')).toBe('warn');
  });

  it('counts late successes as an incident and says where to look', async () => {
    const w = await mountWith({ lateSuccesses: 2 });
    expect(byId(w, 'ledger-late-successes').text()).toContain('2 late successes');
    expect(byId(w, 'ledger-late-successes').text()).toContain('payment.late_success');
    expect(tone(w, 'ledger-late-successes')).toBe('bad');
  });

  it('marks the incident line itself bad and says where to look', async () => {
    const w = await mountWith({ lostClaims: 2, mismatches: 1 });
    expect(byId(w, 'ledger-lost-claims').text()).toContain('2 lost claims');
    expect(byId(w, 'ledger-lost-claims').text()).toContain('payment.claim_lost');
    expect(tone(w, 'ledger-lost-claims')).toBe('bad');
    expect(byId(w, 'ledger-mismatches').text()).toContain('1 amount mismatch —');
    expect(byId(w, 'ledger-mismatches').text()).toContain('CHARGE_MISMATCH');
    expect(tone(w, 'ledger-mismatches')).toBe('bad');
    expect(tone(w, 'ledger-unknown')).toBe('ok');
  });

  it('names orphan charges (bad) and foreign PaymentIntents (a warning) and what to do', async () => {
    const w = await mountWith({ orphanCharges: 1, foreignIntents: 2 });
    const orphan = byId(w, 'ledger-orphan-charges').text();
    expect(orphan).toContain('1 orphan charge —');
    expect(orphan).toContain('stripe_webhook.orphan_charge');
    expect(orphan).toContain('refund or link it by hand');
    expect(tone(w, 'ledger-orphan-charges')).toBe('bad');
    expect(byId(w, 'ledger-foreign-intents').text()).toContain('2 events of foreign PaymentIntents —');
    expect(byId(w, 'ledger-foreign-intents').text()).toContain('left as it was');
    expect(tone(w, 'ledger-foreign-intents')).toBe('warn');
    expect(tone(w, 'ledger-status')).toBe('bad');
  });

  it('describes the last reconciliation: when, how long, what it settled, complete or not', async () => {
    const w = await mountWith({ lastRun: reconcileReport() });
    const text = byId(w, 'ledger-last-run').text();
    expect(text).toContain('(3 min ago), took 1.25 s');
    expect(text).toContain('examined 12: 3 charged, 8 not charged, 1 still unknown, 0 errors; complete.');
    expect(tone(w, 'ledger-last-run')).toBe('ok');
    expect(tone(w, 'ledger-status')).toBe('ok');
  });

  it('names mismatches, skipped records and errors of an incomplete pass', async () => {
    const lastRun = reconcileReport({ mismatches: 1, skipped: 2, errors: 1, complete: false });
    const w = await mountWith({ lastRun });
    const text = byId(w, 'ledger-last-run').text();
    expect(text).toContain('1 amount mismatch, 2 skipped (busy or changed), 1 error; incomplete');
    expect(text).toContain('had errors');
    expect(tone(w, 'ledger-last-run')).toBe('bad');
  });

  it('says so when the answer carries no ledger (a backend older than the panel)', async () => {
    // The contract type has no such answer; an older deployment sends one all the same.
    const old = { ...connectionStats(), ledger: undefined } as unknown as ReturnType<typeof connectionStats>;
    fetchStats.mockResolvedValue(old);
    const w = mount(LedgerHealthPanel);
    await flushPromises();
    expect(byId(w, 'ledger-missing').text()).toBe('The functions do not report ledger health yet.');
    expect(byId(w, 'ledger-status').exists()).toBe(false);
  });
});

describe('LedgerHealthPanel "Reconcile now"', () => {
  it('asks first, runs one pass, shows "Reconciling…", then the report, and refreshes the stats', async () => {
    const w = await mountWith({ unknown: 3, oldestUnknownAgeMs: 60_000 });
    const pass = deferred<ReturnType<typeof reconcileReport>>();
    reconcile.mockReturnValue(pass.promise);
    await byId(w, 'reconcile-now').trigger('click');
    expect(reconcile).not.toHaveBeenCalled();
    await byId(w, 'reconcile-now-confirm').trigger('click');
    expect(reconcile).toHaveBeenCalledTimes(1);
    expect(reconcile).toHaveBeenCalledWith();
    expect(byId(w, 'reconcile-now').text()).toBe('Reconciling…');
    expect(byId(w, 'reconcile-now').attributes('disabled')).toBeDefined();
    expect(byId(w, 'reconcile-running').attributes('role')).toBe('status');

    const report = reconcileReport({ at: T0, durationMs: 2100 });
    const settled = connectionStats({
      ledger: ledgerHealth({ unknown: 1, oldestUnknownAgeMs: 1000, lastRun: report }),
    });
    fetchStats.mockClear().mockResolvedValue(settled);
    pass.resolve(report);
    await flushPromises();
    expect(byId(w, 'reconcile-result').attributes('role')).toBe('status');
    expect(byId(w, 'reconcile-result').text()).toBe(
      'Reconciled in 2.10 s — examined 12: 3 charged, 8 not charged, 1 still unknown, 0 errors; complete.',
    );
    expect(byId(w, 'reconcile-running').exists()).toBe(false);
    expect(byId(w, 'reconcile-now').text()).toBe('Reconcile now');
    expect(fetchStats).toHaveBeenCalledTimes(1);
    expect(fetchStats).toHaveBeenCalledWith();
    expect(byId(w, 'ledger-unknown').text()).toContain('1 payment with unknown outcome');
    expect(byId(w, 'ledger-last-run').text()).toContain('took 2.10 s');
    expect(reconcile).toHaveBeenCalledTimes(1);
  });

  it('shows a failed pass in words, with its code, and refreshes nothing', async () => {
    const w = await mountWith();
    reconcile.mockRejectedValue({ code: 'functions/permission-denied', message: 'Admins only.' });
    fetchStats.mockClear();
    await confirmReconcile(w);
    await flushPromises();
    expect(byId(w, 'reconcile-error').attributes('role')).toBe('alert');
    expect(byId(w, 'reconcile-error-code').text()).toBe('permission-denied');
    expect(byId(w, 'reconcile-error-message').text()).toBe('Admins only.');
    expect(byId(w, 'reconcile-result').exists()).toBe(false);
    expect(byId(w, 'reconcile-now').text()).toBe('Reconcile now');
    expect(fetchStats).not.toHaveBeenCalled();

    // The next pass clears the old error.
    reconcile.mockResolvedValue(reconcileReport());
    await confirmReconcile(w);
    await flushPromises();
    expect(byId(w, 'reconcile-error').exists()).toBe(false);
    expect(byId(w, 'reconcile-result').exists()).toBe(true);
  });
});
