import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getDatabasePoolStatus } from '../api/pools';
import { advance, deferred, flushPromises } from '../test/clock';
import { dbStatus, poolNumbers, T0 } from '../test/fixtures';
import DatabasePoolPanel from './DatabasePoolPanel.vue';
import PoolChart from './PoolChart.vue';
import { useComponentTest } from '../test/componentTest';

vi.mock('../api/pools', () => ({ getDatabasePoolStatus: vi.fn() }));
const fetchStatus = vi.mocked(getDatabasePoolStatus);

// The chart has its own test; jsdom has no canvas.
const mountPanel = () => mount(DatabasePoolPanel, { global: { stubs: { PoolChart: true } } });
const byId = (w: ReturnType<typeof mountPanel>, id: string) => w.find(`[data-testid="${id}"]`);

useComponentTest(() => fetchStatus.mockReset());

describe('DatabasePoolPanel', () => {
  it('shows a loading state until the first answer', async () => {
    const pending = deferred<ReturnType<typeof dbStatus>>();
    fetchStatus.mockReturnValue(pending.promise);
    const w = mountPanel();
    await flushPromises();
    expect(byId(w, 'db-pool-loading').attributes('role')).toBe('status');
    expect(byId(w, 'db-pool-age').text()).toContain('loading');
    pending.resolve(dbStatus());
    await flushPromises();
    expect(byId(w, 'db-pool-loading').exists()).toBe(false);
  });

  it('shows the fleet numbers, status badge, percentiles and per-instance rows', async () => {
    fetchStatus.mockResolvedValue(dbStatus({ status: 'saturated' }));
    const w = mountPanel();
    await flushPromises();
    const badge = byId(w, 'db-pool-status');
    expect(badge.text()).toContain('saturated');
    expect(badge.attributes('data-tone')).toBe('warn');
    expect(byId(w, 'db-pool-active').text()).toBe('3');
    expect(byId(w, 'db-pool-idle').text()).toBe('5');
    expect(byId(w, 'db-pool-pending').text()).toBe('1');
    expect(byId(w, 'db-pool-max').text()).toBe('10');
    expect(byId(w, 'db-pool-acquire-timeouts').text()).toBe('2');
    const percentiles = byId(w, 'db-pool-percentiles').text();
    expect(percentiles).toContain('1.25 s');
    expect(percentiles).toContain('40 ms');
    const rows = w.findAll('[data-testid="db-pool-instance-row"]');
    expect(rows.map((r) => r.find('code').text())).toEqual(['inst-a', 'inst-b']);
    expect(rows[1]!.text()).toContain('4 s ago');
    expect(byId(w, 'db-pool-age').text()).toContain('updated 0 s ago');
  });

  it('shows percentiles without samples as a dash and an empty instance list as a message', async () => {
    fetchStatus.mockResolvedValue(
      dbStatus({
        instances: [],
        fleet: poolNumbers({ acquireWaitMs: { p50: null, p99: null }, queryMs: { p50: null, p95: null, p99: null } }),
      }),
    );
    const w = mountPanel();
    await flushPromises();
    expect(byId(w, 'db-pool-no-instances').exists()).toBe(true);
    expect(
      byId(w, 'db-pool-percentiles')
        .findAll('td')
        .every((td) => td.text() === '—'),
    ).toBe(true);
  });

  it('shows an error with its code and message, never a blank panel', async () => {
    fetchStatus.mockRejectedValue({ code: 'functions/permission-denied', message: 'Admins only.' });
    const w = mountPanel();
    await flushPromises();
    const error = byId(w, 'db-pool-error');
    expect(error.attributes('role')).toBe('alert');
    expect(byId(w, 'db-pool-error-code').text()).toBe('permission-denied');
    expect(byId(w, 'db-pool-error-message').text()).toBe('Admins only.');
  });

  it('keeps old numbers with the error and marks them stale after two intervals', async () => {
    fetchStatus
      .mockResolvedValueOnce(dbStatus())
      .mockRejectedValue({ code: 'functions/unavailable', message: 'Down.' });
    const w = mountPanel();
    await flushPromises();
    expect(byId(w, 'db-pool-stale').exists()).toBe(false);
    await advance(5000);
    expect(byId(w, 'db-pool-error-code').text()).toBe('unavailable');
    expect(byId(w, 'db-pool-active').text()).toBe('3');
    await advance(6000);
    expect(byId(w, 'db-pool-stale').exists()).toBe(true);
    expect(byId(w, 'db-pool-age').text()).toContain('updated 11 s ago');
  });

  it('feeds the chart one point per snapshot, at most 60', async () => {
    let n = 0;
    fetchStatus.mockImplementation(() => {
      n += 1;
      return Promise.resolve(dbStatus({ at: T0 + n * 1000, fleet: poolNumbers({ active: n, pending: n % 3 }) }));
    });
    const w = mountPanel();
    await flushPromises();
    for (let i = 0; i < 64; i++) await advance(5000);
    const points = w.findComponent(PoolChart).props('points') as { at: number; active: number }[];
    expect(n).toBe(65);
    expect(points).toHaveLength(60);
    expect(points.at(-1)).toEqual({ at: T0 + 65_000, active: 65, pending: 65 % 3 });
  });
});
