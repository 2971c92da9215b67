import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getConnectionPoolStats } from '../api/pools';
import { flushPromises } from '../test/clock';
import { connectionStats, rejections } from '../test/fixtures';
import CallProtectionPanel from './CallProtectionPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/pools', () => ({ getConnectionPoolStats: vi.fn() }));
const fetchStats = vi.mocked(getConnectionPoolStats);

useComponentTest(() => fetchStats.mockReset());

describe('CallProtectionPanel', () => {
  it('shows App Check enforced and the fleet refusals by reason', async () => {
    fetchStats.mockResolvedValue(connectionStats({ rejections: rejections({ 'app-check-replayed': 5 }) }));
    const w = mount(CallProtectionPanel);
    await flushPromises();
    expect(byId(w, 'protection-app-check').text()).toContain('enforced');
    expect(byId(w, 'protection-app-check').text()).not.toContain('not enforced');
    expect(byId(w, 'protection-app-check').text()).toContain('replay protection on payments off');
    expect(byId(w, 'protection-app-check').find('[data-tone]').attributes('data-tone')).toBe('ok');
    expect(byId(w, 'rejections-app-check-missing').text()).toBe('7');
    expect(byId(w, 'rejections-app-check-invalid').text()).toBe('2');
    expect(byId(w, 'rejections-app-check-replayed').text()).toBe('5');
    expect(byId(w, 'rejections-user-rate').text()).toBe('4');
    expect(byId(w, 'rejections-user-in-flight').text()).toBe('1');
  });

  it('warns when App Check is not enforced', async () => {
    fetchStats.mockResolvedValue(connectionStats({ appCheck: { enforced: false, replayProtection: false } }));
    const w = mount(CallProtectionPanel);
    await flushPromises();
    expect(byId(w, 'protection-app-check').text()).toContain('not enforced');
    expect(byId(w, 'protection-app-check').find('[data-tone]').attributes('data-tone')).toBe('warn');
  });

  it('says so when the functions do not report it (an older deploy)', async () => {
    fetchStats.mockResolvedValue(connectionStats({ appCheck: undefined, rejections: undefined }));
    const w = mount(CallProtectionPanel);
    await flushPromises();
    expect(byId(w, 'protection-missing').exists()).toBe(true);
    expect(byId(w, 'rejections-user-rate').exists()).toBe(false);
  });
});
