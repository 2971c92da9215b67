import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { getConnectionPoolStats, getDatabasePoolStatus } from '../api/pools';
import { processPayment } from '../api/payments';
import { getFaults, simulatorUrl } from '../api/simulator';
import { getIncidentTimeline } from '../api/incidents';
import { advance, flushPromises } from '../test/clock';
import { connectionStats, dbStatus } from '../test/fixtures';
import TestCloudWatchPage from './TestCloudWatchPage.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/pools', () => ({
  getConnectionPoolStats: vi.fn(),
  getDatabasePoolStatus: vi.fn(),
  resetCircuitBreakers: vi.fn(),
}));
vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
vi.mock('../api/incidents', () => ({ getIncidentTimeline: vi.fn(() => new Promise(() => undefined)) }));
vi.mock('../api/health', () => ({ getHealth: vi.fn(() => new Promise(() => undefined)) }));
vi.mock('../api/ledger', () => ({ runReconciliation: vi.fn() }));
vi.mock('../api/simulator', () => ({ simulatorUrl: vi.fn(), getFaults: vi.fn(), setFaults: vi.fn() }));
const fetchConnections = vi.mocked(getConnectionPoolStats);
const fetchDb = vi.mocked(getDatabasePoolStatus);

const mountPage = () => mount(TestCloudWatchPage, { global: { stubs: { PoolChart: true } } });

useComponentTest(() => {
  vi.clearAllMocks();
  fetchConnections.mockResolvedValue(connectionStats());
  fetchDb.mockResolvedValue(dbStatus());
  vi.mocked(getFaults).mockResolvedValue({ mode: 'none' });
  vi.mocked(simulatorUrl).mockReturnValue(null);
});

describe('TestCloudWatchPage', () => {
  it('lays out every panel; error simulation only when the simulator URL is set', async () => {
    const w = mountPage();
    await flushPromises();
    const panels = [
      'payment-panel',
      'db-pool-panel',
      'connection-pools-panel',
      'timeline-panel',
      'health-panel',
      'ledger-panel',
      'cloudwatch-panel',
    ];
    for (const id of panels) {
      expect(byId(w, id).exists()).toBe(true);
    }
    expect(byId(w, 'error-simulation-panel').exists()).toBe(false);
    w.unmount();

    vi.mocked(simulatorUrl).mockReturnValue('http://127.0.0.1:8710');
    const withSimulator = mountPage();
    await flushPromises();
    expect(byId(withSimulator, 'error-simulation-panel').exists()).toBe(true);
    expect(getFaults).toHaveBeenCalledWith('http://127.0.0.1:8710');
  });

  it("learns the provider from the connection stats: Stripe mode offers Stripe's test methods, not the simulator's faults", async () => {
    vi.mocked(simulatorUrl).mockReturnValue('http://127.0.0.1:8710');
    fetchConnections.mockResolvedValue(connectionStats({ paymentProvider: 'stripe' }));
    const w = mountPage();
    await flushPromises();
    expect(byId(w, 'payment-stripe-method').exists()).toBe(true);
    expect(byId(w, 'error-simulation-panel').exists()).toBe(false);
  });

  it('polls connection stats once per interval for all the panels that show them (one shared poller)', async () => {
    const w = mountPage();
    await flushPromises();
    expect(byId(w, 'ledger-status').text()).toContain('healthy');
    expect(fetchConnections).toHaveBeenCalledTimes(1);
    expect(fetchDb).toHaveBeenCalledTimes(1);
    await advance(5000);
    expect(fetchConnections).toHaveBeenCalledTimes(2);
    expect(fetchDb).toHaveBeenCalledTimes(2);
  });

  it('one control pauses and resumes every panel, and the interval can change', async () => {
    const w = mountPage();
    await flushPromises();
    await byId(w, 'refresh-toggle').trigger('click');
    expect(byId(w, 'refresh-state').text()).toBe('Auto-refresh paused');
    expect(byId(w, 'refresh-toggle').text()).toBe('Resume auto-refresh');
    await advance(30_000);
    expect(fetchConnections).toHaveBeenCalledTimes(1);
    expect(fetchDb).toHaveBeenCalledTimes(1);
    expect(byId(w, 'db-pool-stale').exists()).toBe(true);
    expect(byId(w, 'cloudwatch-stale').exists()).toBe(true);
    expect(byId(w, 'ledger-stale').exists()).toBe(true);

    await byId(w, 'refresh-interval').setValue('10000');
    await byId(w, 'refresh-toggle').trigger('click');
    await flushPromises();
    expect(fetchConnections).toHaveBeenCalledTimes(2);
    expect(fetchDb).toHaveBeenCalledTimes(2);
    expect(byId(w, 'db-pool-stale').exists()).toBe(false);
    expect(byId(w, 'refresh-state').text()).toBe('Refreshing every 10 s');
    await advance(5000);
    expect(fetchDb).toHaveBeenCalledTimes(2);
    await advance(5000);
    expect(fetchDb).toHaveBeenCalledTimes(3);
  });

  it("refreshes the fleet panels once a payment's answer arrives, even while auto-refresh is paused", async () => {
    vi.mocked(processPayment).mockResolvedValue({
      transactionId: 'txn_1',
      status: 'succeeded',
      chargeId: 'ch_1',
      amount: 25.99,
      currency: 'USD',
      attempts: 1,
      replayed: false,
    });
    const w = mountPage();
    await flushPromises();
    await byId(w, 'refresh-toggle').trigger('click');
    const timeline = vi.mocked(getIncidentTimeline).mock.calls.length;
    await byId(w, 'payment-form').trigger('submit');
    await flushPromises();
    expect(processPayment).toHaveBeenCalledTimes(1);
    expect(fetchConnections).toHaveBeenCalledTimes(2);
    expect(fetchDb).toHaveBeenCalledTimes(2);
    expect(vi.mocked(getIncidentTimeline).mock.calls.length).toBe(timeline + 1);
    await advance(30_000);
    expect(fetchConnections).toHaveBeenCalledTimes(2);
  });

  it('stops every timer when the page is left', async () => {
    const w = mountPage();
    await flushPromises();
    w.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
