import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getConnectionPoolStats } from '../api/pools';
import { advance, deferred, flushPromises } from '../test/clock';
import { connectionStats, shipper, T0 } from '../test/fixtures';
import CloudWatchPanel from './CloudWatchPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/pools', () => ({ getConnectionPoolStats: vi.fn() }));
const fetchStats = vi.mocked(getConnectionPoolStats);

useComponentTest(() => fetchStats.mockReset());

describe('CloudWatchPanel', () => {
  it('shows loading until the first answer', async () => {
    fetchStats.mockReturnValue(deferred<ReturnType<typeof connectionStats>>().promise);
    const w = mount(CloudWatchPanel);
    await flushPromises();
    expect(byId(w, 'cloudwatch-loading').exists()).toBe(true);
  });

  it('shows the shipping counters, last error and last success', async () => {
    fetchStats.mockResolvedValue(connectionStats());
    const w = mount(CloudWatchPanel);
    await flushPromises();
    expect(byId(w, 'cloudwatch-sent').text()).toBe('1200');
    expect(byId(w, 'cloudwatch-failed').text()).toBe('3');
    expect(byId(w, 'cloudwatch-dropped').text()).toBe('1');
    expect(byId(w, 'cloudwatch-buffered').text()).toBe('4');
    expect(byId(w, 'cloudwatch-last-error').text()).toContain('THROTTLED');
    expect(byId(w, 'cloudwatch-last-error').text()).toContain('Rate exceeded');
    expect(byId(w, 'cloudwatch-last-error').text()).toContain('1 min ago');
    expect(byId(w, 'cloudwatch-last-success').text()).toContain('5 s ago');
    expect(byId(w, 'cloudwatch-instances').text()).toContain('inst-a');
  });

  it('says "none" when there was no error or success yet', async () => {
    fetchStats.mockResolvedValue(connectionStats({ cloudwatch: shipper({ lastError: null, lastSuccessAt: null }) }));
    const w = mount(CloudWatchPanel);
    await flushPromises();
    expect(byId(w, 'cloudwatch-last-error').text()).toBe('Last error: none');
    expect(byId(w, 'cloudwatch-last-success').text()).toBe('Last success: none yet');
  });

  it.each([
    ['absent', connectionStats({ cloudwatch: undefined })],
    ['disabled', connectionStats({ cloudwatch: shipper({ enabled: false }) })],
  ])('says "not enabled" when the field is %s', async (_, stats) => {
    fetchStats.mockResolvedValue(stats);
    const w = mount(CloudWatchPanel);
    await flushPromises();
    expect(byId(w, 'cloudwatch-disabled').text()).toBe('CloudWatch shipping is not enabled.');
    expect(byId(w, 'cloudwatch-sent').exists()).toBe(false);
  });

  it('shows errors and marks old data stale', async () => {
    fetchStats
      .mockResolvedValueOnce(connectionStats())
      .mockRejectedValue({ code: 'functions/unavailable', message: 'Try later.' });
    const w = mount(CloudWatchPanel);
    await flushPromises();
    await advance(5000);
    expect(byId(w, 'cloudwatch-error-code').text()).toBe('unavailable');
    expect(byId(w, 'cloudwatch-sent').text()).toBe('1200');
    await advance(6000);
    expect(byId(w, 'cloudwatch-stale').exists()).toBe(true);
    expect(T0).toBeLessThan(Date.now());
  });
});
