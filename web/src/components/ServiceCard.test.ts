import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ServiceStats } from '../api/types';
import { serviceStats, T0 } from '../test/fixtures';
import ServiceCard from './ServiceCard.vue';

const card = (stats: ServiceStats) =>
  mount(ServiceCard, { props: { name: 'payment-service', stats, now: T0, resetting: false } });
const byId = (w: ReturnType<typeof card>, id: string) => w.find(`[data-testid="${id}"]`);

describe('ServiceCard', () => {
  it('says "not checked yet" while the health view is all nulls', () => {
    const w = card(serviceStats({ health: { ok: null, checkedAt: null, latencyMs: null } }));
    expect(byId(w, 'health-payment-service').text()).toBe('Health: not checked yet.');
  });

  it('shows a failed check with its time and reason, and a passed one with its latency', () => {
    const failed = card(
      serviceStats({ health: { ok: false, checkedAt: T0 - 3000, latencyMs: null, error: 'ECONNREFUSED' } }),
    );
    const text = byId(failed, 'health-payment-service').text();
    expect(text).toContain('failing');
    expect(text).toContain('3 s ago');
    expect(text).toContain('ECONNREFUSED');
    const passed = card(serviceStats({ health: { ok: true, checkedAt: T0, latencyMs: 42 } }));
    expect(byId(passed, 'health-payment-service').text()).toMatch(/ok\s+checked 0 s ago, 42 ms/);
  });

  it('says "not measured yet" for a service without a measured pool, and shows the numbers of one with a pool', () => {
    const without = card(serviceStats({ pool: null }));
    expect(byId(without, 'service-payment-service-pool').text()).toBe('HTTP pool: not measured yet.');
    expect(byId(without, 'service-payment-service-active').exists()).toBe(false);
    const withPool = card(serviceStats());
    expect(byId(withPool, 'service-payment-service-active').text()).toBe('2');
    expect(byId(withPool, 'service-payment-service-pool').exists()).toBe(false);
  });
});
