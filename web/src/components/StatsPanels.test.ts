import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { Component } from 'vue';
import { getConnectionPoolStats, getDatabasePoolStatus } from '../api/pools';
import { advance, flushPromises } from '../test/clock';
import { connectionStats, dbStatus } from '../test/fixtures';
import CloudWatchPanel from './CloudWatchPanel.vue';
import ConnectionPoolsPanel from './ConnectionPoolsPanel.vue';
import DatabasePoolPanel from './DatabasePoolPanel.vue';
import LedgerHealthPanel from './LedgerHealthPanel.vue';
import { useComponentTest } from '../test/componentTest';

vi.mock('../api/pools', () => ({
  getConnectionPoolStats: vi.fn(),
  getDatabasePoolStatus: vi.fn(),
  resetCircuitBreakers: vi.fn(),
}));
vi.mock('../api/ledger', () => ({ runReconciliation: vi.fn() }));

type Panel = { name: string; component: Component; testid: string; fetch: ReturnType<typeof vi.fn>; answer: unknown };
const panels: Panel[] = [
  {
    name: 'DatabasePoolPanel',
    component: DatabasePoolPanel,
    testid: 'db-pool-error',
    fetch: vi.mocked(getDatabasePoolStatus),
    answer: dbStatus(),
  },
  {
    name: 'ConnectionPoolsPanel',
    component: ConnectionPoolsPanel,
    testid: 'connection-pools-error',
    fetch: vi.mocked(getConnectionPoolStats),
    answer: connectionStats(),
  },
  {
    name: 'LedgerHealthPanel',
    component: LedgerHealthPanel,
    testid: 'ledger-error',
    fetch: vi.mocked(getConnectionPoolStats),
    answer: connectionStats(),
  },
  {
    name: 'CloudWatchPanel',
    component: CloudWatchPanel,
    testid: 'cloudwatch-error',
    fetch: vi.mocked(getConnectionPoolStats),
    answer: connectionStats(),
  },
];

/** What the Firebase SDK throws when the request gets no answer of the callable's own. */
const sdkFallback = (code: string, status: number) => ({ code: `functions/${code}`, message: `${code} [${status}]` });

useComponentTest(() => {
  // Reset, not clear: answers queued with mock*Once by a failed test must not leak into the next.
  vi.resetAllMocks();
});

describe.each(panels)('$name while the functions cannot be reached', ({ component, testid, fetch, answer }) => {
  it('says so in words, keeps polling, and shows the data once they answer', async () => {
    fetch
      .mockRejectedValueOnce(sdkFallback('internal', 0))
      .mockRejectedValueOnce(sdkFallback('unavailable', 503))
      .mockResolvedValue(answer);
    const w = mount(component, { global: { stubs: { PoolChart: true } } });
    await flushPromises();
    const notice = w.find(`[data-testid="${testid}-unreachable"]`);
    expect(notice.text()).toBe('functions not reachable yet, retrying…');
    expect(notice.attributes('role')).toBe('status');
    expect(w.text()).not.toContain('internal [0]');
    expect(w.find(`[data-testid="${testid}"]`).exists()).toBe(false);

    await advance(5000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(w.find(`[data-testid="${testid}-unreachable"]`).exists()).toBe(true);
    await advance(5000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(w.find(`[data-testid="${testid}-unreachable"]`).exists()).toBe(false);
  });

  it("still shows a callable's own error with its code and message", async () => {
    fetch.mockRejectedValue({ code: 'functions/internal', message: 'Internal error (reference ab12). [500]' });
    const w = mount(component, { global: { stubs: { PoolChart: true } } });
    await flushPromises();
    expect(w.find(`[data-testid="${testid}-code"]`).text()).toBe('internal');
    expect(w.find(`[data-testid="${testid}-message"]`).text()).toContain('reference ab12');
    expect(w.find(`[data-testid="${testid}-unreachable"]`).exists()).toBe(false);
  });
});
