import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getConnectionPoolStats, resetCircuitBreakers } from '../api/pools';
import { advance, deferred, flushPromises, useFakeClock } from '../test/clock';
import { connectionStats, serviceStats, T0 } from '../test/fixtures';
import ConnectionPoolsPanel from './ConnectionPoolsPanel.vue';
import { byId } from '../test/componentTest';

vi.mock('../api/pools', () => ({ getConnectionPoolStats: vi.fn(), resetCircuitBreakers: vi.fn() }));
const fetchStats = vi.mocked(getConnectionPoolStats);
const reset = vi.mocked(resetCircuitBreakers);

type Wrapper = ReturnType<typeof mount>;

async function mountLoaded(stats = connectionStats()): Promise<Wrapper> {
  fetchStats.mockResolvedValue(stats);
  const w = mount(ConnectionPoolsPanel, { attachTo: document.body });
  await flushPromises();
  return w;
}

enableAutoUnmount(afterEach);
beforeEach(() => {
  useFakeClock();
  fetchStats.mockReset();
  reset.mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('ConnectionPoolsPanel', () => {
  it('shows loading, then a card per service that came back (sorted), including unknown ones', async () => {
    const pending = deferred<ReturnType<typeof connectionStats>>();
    fetchStats.mockReturnValue(pending.promise);
    const w = mount(ConnectionPoolsPanel);
    await flushPromises();
    expect(byId(w, 'connection-pools-loading').exists()).toBe(true);
    const stats = connectionStats();
    pending.resolve({ ...stats, services: { ...stats.services, 'fx-rates': serviceStats() } });
    await flushPromises();
    expect(w.findAll('article').map((a) => a.attributes('data-testid'))).toEqual([
      'service-cloudwatch-logs',
      'service-fx-rates',
      'service-payment-service',
    ]);
    expect(fetchStats).toHaveBeenCalledWith();
  });

  it('shows the breaker state as a badge with text and colour, with when it opened and may be probed', async () => {
    const stats = connectionStats();
    stats.services['fx-rates'] = serviceStats({
      breaker: { state: 'half-open', failureRate: 0.5, calls: 4, openedAt: T0 - 30_000, nextProbeAt: T0 - 1000 },
    });
    const w = await mountLoaded(stats);
    const open = byId(w, 'breaker-payment-service');
    expect(open.text()).toContain('open');
    expect(open.attributes('data-tone')).toBe('bad');
    expect(byId(w, 'breaker-cloudwatch-logs').attributes('data-tone')).toBe('ok');
    expect(byId(w, 'breaker-cloudwatch-logs').text()).toContain('closed');
    expect(byId(w, 'breaker-fx-rates').attributes('data-tone')).toBe('warn');
    expect(byId(w, 'breaker-fx-rates').text()).toContain('half-open');
    const detail = byId(w, 'breaker-payment-service-detail').text();
    expect(detail).toContain('Failure rate 60% over 20 calls');
    expect(detail).toContain('10 s ago');
    expect(detail).toContain('in 20 s');
    expect(byId(w, 'breaker-cloudwatch-logs-detail').text()).not.toContain('Opened');
    expect(byId(w, 'service-payment-service-active').text()).toBe('2');
    expect(byId(w, 'health-payment-service').text()).toContain('not checked yet');
  });

  it('shows the provider concurrency budget above the services', async () => {
    const w = await mountLoaded();
    expect(byId(w, 'provider-budget').text()).toBe('100');
    expect(byId(w, 'provider-cap').text()).toBe('10');
    expect(byId(w, 'provider-peak').text()).toBe('7');
  });

  it('shows an empty state when no service has reported', async () => {
    const w = await mountLoaded(connectionStats({ services: {}, instances: [] }));
    expect(byId(w, 'connection-pools-empty').exists()).toBe(true);
  });

  it('shows errors with code and message and marks old data stale', async () => {
    fetchStats
      .mockResolvedValueOnce(connectionStats())
      .mockRejectedValue({ code: 'functions/internal', message: 'Internal error (reference ab12).' });
    const w = mount(ConnectionPoolsPanel);
    await flushPromises();
    await advance(5000);
    expect(byId(w, 'connection-pools-error-code').text()).toBe('internal');
    expect(byId(w, 'connection-pools-error-message').text()).toContain('reference ab12');
    expect(byId(w, 'connection-pools-stale').exists()).toBe(false);
    // Stale once more than two intervals (10 s) have passed, seen at the next 1 s tick.
    await advance(6000);
    expect(byId(w, 'connection-pools-stale').exists()).toBe(true);
  });

  it('asks before resetting one service, and cancelling does nothing', async () => {
    const w = await mountLoaded();
    await byId(w, 'reset-payment-service').trigger('click');
    expect(byId(w, 'reset-payment-service-confirm').exists()).toBe(true);
    expect(document.activeElement).toBe(byId(w, 'reset-payment-service-cancel').element);
    expect(reset).not.toHaveBeenCalled();
    await byId(w, 'reset-payment-service-cancel').trigger('click');
    expect(byId(w, 'reset-payment-service-confirm').exists()).toBe(false);
    expect(reset).not.toHaveBeenCalled();

    await byId(w, 'reset-payment-service').trigger('click');
    await w.find('[role="group"][aria-label^="Close the payment-service"]').trigger('keydown', { key: 'Escape' });
    expect(byId(w, 'reset-payment-service-confirm').exists()).toBe(false);
    expect(reset).not.toHaveBeenCalled();
  });

  it('resets one service after confirmation, shows the result and refreshes', async () => {
    const w = await mountLoaded();
    reset.mockResolvedValue({ reset: ['payment-service'], at: T0 });
    fetchStats.mockClear();
    await byId(w, 'reset-payment-service').trigger('click');
    await byId(w, 'reset-payment-service-confirm').trigger('click');
    await flushPromises();
    expect(reset).toHaveBeenCalledWith({ serviceName: 'payment-service' });
    expect(byId(w, 'reset-result').attributes('role')).toBe('status');
    expect(byId(w, 'reset-result').text()).toContain('Reset payment-service at');
    expect(fetchStats).toHaveBeenCalledTimes(1);
  });

  it('resets all after confirmation and shows a not-found error from the backend', async () => {
    const w = await mountLoaded();
    reset.mockResolvedValueOnce({ reset: ['cloudwatch-logs', 'payment-service'], at: T0 });
    await byId(w, 'reset-all').trigger('click');
    await byId(w, 'reset-all-confirm').trigger('click');
    await flushPromises();
    expect(reset).toHaveBeenCalledWith({});
    expect(byId(w, 'reset-result').text()).toContain('cloudwatch-logs, payment-service');

    reset.mockRejectedValueOnce({ code: 'functions/not-found', message: 'No breaker named payment-service.' });
    await byId(w, 'reset-payment-service').trigger('click');
    await byId(w, 'reset-payment-service-confirm').trigger('click');
    await flushPromises();
    expect(byId(w, 'reset-error-code').text()).toBe('not-found');
    expect(byId(w, 'reset-result').exists()).toBe(false);
  });

  it('runs health checks with { check: true } and shows the results', async () => {
    const w = await mountLoaded();
    const checked = connectionStats();
    checked.services['payment-service']!.health = { ok: false, checkedAt: T0, latencyMs: null, error: 'ECONNRESET' };
    checked.services['cloudwatch-logs']!.health = { ok: true, checkedAt: T0, latencyMs: 42 };
    const answer = deferred<typeof checked>();
    fetchStats.mockReturnValue(answer.promise);
    await byId(w, 'health-check').trigger('click');
    expect(byId(w, 'health-check').text()).toBe('Checking…');
    answer.resolve(checked);
    await flushPromises();
    expect(byId(w, 'health-check').text()).toBe('Run health checks');
    expect(fetchStats).toHaveBeenLastCalledWith({ check: true });
    expect(byId(w, 'health-payment-service').text()).toContain('failing');
    expect(byId(w, 'health-payment-service').text()).toContain('ECONNRESET');
    expect(byId(w, 'health-cloudwatch-logs').text()).toContain('42 ms');
  });
});
