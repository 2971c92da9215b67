import { enableAutoUnmount, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processPayment } from '../api/payments';
import type { ProcessPaymentRequest, ProcessPaymentResult } from '../api/types';
import { deferred, flushPromises } from '../test/clock';
import BurstRunner from './BurstRunner.vue';
import { byId } from '../test/componentTest';

vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
const pay = vi.mocked(processPayment);

/** Holds every payment until the test settles it, to observe concurrency and progress. */
let inFlight: { request: ProcessPaymentRequest; settle: ReturnType<typeof deferred<ProcessPaymentResult>> }[] = [];
let maxInFlight = 0;
let open = 0;

function ok(request: ProcessPaymentRequest, status: 'succeeded' | 'declined' = 'succeeded'): ProcessPaymentResult {
  return {
    transactionId: request.transactionId!,
    status,
    chargeId: 'ch',
    amount: request.amount,
    currency: 'USD',
    attempts: 1,
    replayed: false,
  };
}

enableAutoUnmount(afterEach);
beforeEach(() => {
  inFlight = [];
  maxInFlight = 0;
  open = 0;
  pay.mockReset();
  pay.mockImplementation((request) => {
    const settle = deferred<ProcessPaymentResult>();
    inFlight.push({ request, settle });
    open += 1;
    maxInFlight = Math.max(maxInFlight, open);
    return settle.promise.finally(() => (open -= 1));
  });
});
afterEach(() => vi.restoreAllMocks());

/** Settles the oldest payment in flight: `succeeded`/`declined`, or any other word as that error code. */
async function settleNext(outcome: string): Promise<void> {
  const next = inFlight.find((f) => !('done' in f));
  if (!next) throw new Error('nothing in flight');
  Object.assign(next, { done: true });
  if (outcome === 'succeeded' || outcome === 'declined') next.settle.resolve(ok(next.request, outcome));
  else next.settle.reject({ code: `functions/${outcome}`, message: outcome });
  await flushPromises();
}

describe('BurstRunner', () => {
  it('fires N small payments with fresh ids, at most 5 at a time, with progress and a tally', async () => {
    const w = mount(BurstRunner);
    await byId(w, 'burst-count').setValue(12);
    await byId(w, 'burst-form').trigger('submit');
    await flushPromises();
    expect(pay).toHaveBeenCalledTimes(5);
    const progress = byId(w, 'burst-progress');
    expect(progress.attributes('max')).toBe('12');
    expect(progress.attributes('value')).toBe('0');
    expect(byId(w, 'burst-start').attributes('disabled')).toBeDefined();

    const outcomes = ['succeeded', 'unavailable', 'succeeded', 'declined', 'resource-exhausted', 'unavailable'];
    for (const outcome of outcomes) await settleNext(outcome);
    expect(byId(w, 'burst-progress').attributes('value')).toBe('6');
    expect(byId(w, 'burst-summary').text()).toContain('6 of 12 done');
    for (let i = 0; i < 6; i++) await settleNext('succeeded');

    expect(pay).toHaveBeenCalledTimes(12);
    expect(maxInFlight).toBe(5);
    expect(byId(w, 'burst-tally-succeeded').text()).toContain('8');
    expect(byId(w, 'burst-tally-unavailable').text()).toContain('2');
    expect(byId(w, 'burst-tally-declined').text()).toContain('1');
    expect(byId(w, 'burst-tally-resource-exhausted').text()).toContain('1');
    expect(byId(w, 'burst-summary').text()).toMatch(/12 of 12 done in/);
    expect(byId(w, 'burst-start').attributes('disabled')).toBeUndefined();

    const requests = pay.mock.calls.map(([r]) => r);
    expect(new Set(requests.map((r) => r.transactionId)).size).toBe(12);
    for (const r of requests) {
      expect(r.amount).toBeGreaterThanOrEqual(1);
      expect(r.amount).toBeLessThan(10);
      expect(r.transactionId).toMatch(/^txn_[0-9a-z]+_[0-9a-z]{8}$/);
    }
  });

  it('stops launching new payments when stopped, letting those in flight finish', async () => {
    const w = mount(BurstRunner);
    await byId(w, 'burst-count').setValue(20);
    await byId(w, 'burst-form').trigger('submit');
    await flushPromises();
    await byId(w, 'burst-stop').trigger('click');
    for (let i = 0; i < 5; i++) await settleNext('succeeded');
    expect(pay).toHaveBeenCalledTimes(5);
    expect(byId(w, 'burst-summary').text()).toContain('5 of 20 done');
    expect(byId(w, 'burst-stop').exists()).toBe(false);
  });

  it.each([['0'], ['2.5'], ['500'], ['']])('rejects a burst size of %j', async (count) => {
    const w = mount(BurstRunner);
    await byId(w, 'burst-count').setValue(count);
    await byId(w, 'burst-form').trigger('submit');
    expect(byId(w, 'burst-count-error').text()).toMatch(/whole number from 1 to 200/);
    expect(pay).not.toHaveBeenCalled();
  });

  it('starts no more payments after unmount', async () => {
    const w = mount(BurstRunner);
    await byId(w, 'burst-form').trigger('submit');
    await flushPromises();
    expect(pay).toHaveBeenCalledTimes(5);
    w.unmount();
    for (let i = 0; i < 5; i++) await settleNext('succeeded');
    expect(pay).toHaveBeenCalledTimes(5);
  });
});
