import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getHealth } from '../api/health';
import { ApiError } from '../api/errors';
import { flushPromises } from '../test/clock';
import { healthReport } from '../test/fixtures';
import HealthPanel from './HealthPanel.vue';
import { useComponentTest } from '../test/componentTest';

vi.mock('../api/health', () => ({ getHealth: vi.fn() }));
const fetchHealth = vi.mocked(getHealth);
const byId = (w: ReturnType<typeof mount>, id: string) => w.find(`[data-testid="${id}"]`);

useComponentTest(() => vi.clearAllMocks());

describe('HealthPanel', () => {
  it('shows the uptime answer and each component with its round trip', async () => {
    fetchHealth.mockResolvedValue(healthReport());
    const w = mount(HealthPanel);
    await flushPromises();
    expect(byId(w, 'health-status').text()).toContain('ok (200)');
    expect(byId(w, 'health-firestore').text()).toMatch(/Firestore\s*●?\s*ok\s*3\.2 ms/);
    expect(byId(w, 'health-provider').text()).toContain('12 ms');
    expect(byId(w, 'health-breaker-payment-service').text()).toContain('closed');
    expect(byId(w, 'health-reconciliation').text()).toContain('0 unknown, 0 expired pending');
    expect(byId(w, 'health-pools').text()).toContain('inst-health');
  });

  it('shows a 503 answer as down with the problem words, per endpoint when there are several', async () => {
    const r = healthReport({ status: 'down' });
    r.components.provider = { state: 'down' };
    r.detail.provider = {
      state: 'down',
      latencyMs: 4,
      problem: 'HTTP_503',
      endpoints: { 'endpoint-1': { state: 'down', latencyMs: 4, problem: 'HTTP_503' } },
    };
    fetchHealth.mockResolvedValue(r);
    const w = mount(HealthPanel);
    await flushPromises();
    expect(byId(w, 'health-status').text()).toContain('down (503)');
    expect(byId(w, 'health-provider').attributes('data-testid')).toBe('health-provider');
    expect(byId(w, 'health-provider').text()).toContain('HTTP_503');
    expect(byId(w, 'health-provider-endpoint-1').text()).toContain('down');
  });

  it('shows why the deep view was refused', async () => {
    fetchHealth.mockRejectedValue(new ApiError('permission-denied', 'The deep health view is for admins only.'));
    const w = mount(HealthPanel);
    await flushPromises();
    expect(byId(w, 'health-error').text()).toContain('admins only');
  });
});
