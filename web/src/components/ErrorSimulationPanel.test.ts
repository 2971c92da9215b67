import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/errors';
import { getFaults, setFaults } from '../api/simulator';
import { advance, deferred, flushPromises } from '../test/clock';
import ErrorSimulationPanel from './ErrorSimulationPanel.vue';
import { byId, useComponentTest } from '../test/componentTest';

vi.mock('../api/simulator', () => ({ getFaults: vi.fn(), setFaults: vi.fn() }));
vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
const get = vi.mocked(getFaults);
const put = vi.mocked(setFaults);
const URL = 'http://127.0.0.1:8710';

useComponentTest(() => {
  get.mockReset();
  put.mockReset();
  put.mockImplementation((_url, config) => Promise.resolve(config));
});

describe('ErrorSimulationPanel', () => {
  it('loads the current fault config from the simulator into the form', async () => {
    const answer = deferred<{ mode: 'errors'; errorRate: number }>();
    get.mockReturnValue(answer.promise);
    const w = mount(ErrorSimulationPanel, { props: { baseUrl: URL } });
    expect(byId(w, 'fault-current').text()).toContain('Loading');
    answer.resolve({ mode: 'errors', errorRate: 0.25 });
    await flushPromises();
    expect(get).toHaveBeenCalledWith(URL);
    expect(byId(w, 'fault-current').text()).toContain('"mode":"errors"');
    expect((byId(w, 'fault-mode').element as HTMLSelectElement).value).toBe('errors');
    expect((byId(w, 'fault-errorRate').element as HTMLInputElement).value).toBe('0.25');
    expect(byId(w, 'burst-form').exists()).toBe(true);
  });

  it('PUTs the chosen mode with only its fields and shows the stored config', async () => {
    get.mockResolvedValue({ mode: 'none' });
    const w = mount(ErrorSimulationPanel, { props: { baseUrl: URL } });
    await flushPromises();
    await byId(w, 'fault-mode').setValue('rate-limit');
    expect(byId(w, 'fault-errorRate').exists()).toBe(false);
    await byId(w, 'fault-retryAfterSec').setValue('3');
    await byId(w, 'fault-latencyMs').setValue('200');
    await byId(w, 'fault-form').trigger('submit');
    await flushPromises();
    expect(put).toHaveBeenCalledWith(URL, { mode: 'rate-limit', latencyMs: 200, retryAfterSec: 3 });
    expect(byId(w, 'fault-current').text()).toContain('"mode":"rate-limit"');
    expect(byId(w, 'fault-current').text()).toContain('set at');

    await byId(w, 'fault-clear').trigger('click');
    await flushPromises();
    expect(put).toHaveBeenLastCalledWith(URL, { mode: 'none' });
  });

  it('re-reads the config every interval, shows its age, and marks it stale when the simulator stops answering', async () => {
    get.mockResolvedValueOnce({ mode: 'none' }).mockResolvedValueOnce({ mode: 'outage' });
    const w = mount(ErrorSimulationPanel, { props: { baseUrl: URL } });
    await flushPromises();
    await advance(5000);
    expect(byId(w, 'fault-current').text()).toContain('"mode":"outage"');
    expect(byId(w, 'fault-age').text()).toContain('updated 0 s ago');
    get.mockRejectedValue(new ApiError('network-error', 'Could not reach the payment simulator.'));
    await advance(11_000);
    expect(byId(w, 'fault-stale').exists()).toBe(true);
    expect(byId(w, 'fault-error-code').text()).toBe('network-error');
    expect((byId(w, 'fault-mode').element as HTMLSelectElement).value).toBe('none');
  });

  it('validates the numbers before sending', async () => {
    get.mockResolvedValue({ mode: 'none' });
    const w = mount(ErrorSimulationPanel, { props: { baseUrl: URL } });
    await flushPromises();
    await byId(w, 'fault-mode').setValue('errors');
    await byId(w, 'fault-errorRate').setValue('2');
    await byId(w, 'fault-form').trigger('submit');
    expect(put).not.toHaveBeenCalled();
    expect(byId(w, 'fault-errorRate').attributes('aria-invalid')).toBe('true');
    expect(w.text()).toContain('Error rate must be a number from 0 to 1.');
  });

  it('shows the simulator being unreachable or refusing a config as an error', async () => {
    get.mockRejectedValue(new ApiError('network-error', 'Could not reach the payment simulator.'));
    const w = mount(ErrorSimulationPanel, { props: { baseUrl: URL } });
    await flushPromises();
    expect(byId(w, 'fault-error-code').text()).toBe('network-error');
    put.mockRejectedValue(new ApiError('INVALID_FAULT_CONFIG', 'Unknown field(s) x.'));
    await byId(w, 'fault-form').trigger('submit');
    await flushPromises();
    expect(byId(w, 'fault-error-code').text()).toBe('INVALID_FAULT_CONFIG');
    expect(byId(w, 'fault-error').attributes('role')).toBe('alert');
  });
});
