import { afterEach, describe, expect, it } from 'vitest';
import { setLogShipper } from '../observability/logs/logger.js';
import { MetricsAggregator } from '../observability/metrics/emf.js';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { useLogCapture } from '../observability/testing/logCapture.js';
import { PaymentPhase } from '../payments/paymentEvents.js';
import { ok, pay, paymentWorld, T0 } from '../payments/testing/handlerKit.js';
import { afterCall, completeCall, HousekeepingPhase, type CallRuntime } from './housekeeping.js';

// A payment through the in-memory ledger and a scripted provider, ended the
// way defineCallable ends every call: one call.completed event with the
// phases that ran, the end-of-call work included, and their metric samples.

const logged = useLogCapture();
afterEach(() => setLogShipper(null));

/** End-of-call parts on the world's clock: a publisher that takes 6 ms when due, a shipper whose flush takes 9 ms. */
function endOfCall(w: ReturnType<typeof paymentWorld>, due: boolean, withShipper: boolean) {
  const metrics = new MetricsAggregator({ enabled: true, intervalMs: 1, now: T0 });
  const shipped: unknown[] = [];
  /** What the shipper held when it flushed: logs (through the logger) and metrics (drained by the end-of-call work). */
  const flushed: unknown[] = [];
  const shipper = {
    enabled: true,
    prepare: () => undefined,
    enqueue: (e: unknown) => void shipped.push(e),
    flush: () => {
      w.clock += 9;
      flushed.push(...shipped.splice(0));
      return Promise.resolve({ sent: flushed.length, failed: 0, remaining: 0 });
    },
  };
  if (withShipper) setLogShipper(shipper);
  const rt: CallRuntime = {
    cfg: { CLOUDWATCH_FLUSH_BUDGET_MS: 1500 },
    metrics,
    stats: {
      publishIfDue: () => {
        if (due) w.clock += 6;
        return Promise.resolve(due);
      },
    },
    shipper: withShipper ? shipper : null,
  };
  return { rt, metrics, flushed };
}

const completed = () => logged.filter((e) => e.event === 'call.completed');

describe('completeCall', () => {
  it("logs one call.completed with the payment phases and the publish, ships it in this call's flush, and samples every phase", async () => {
    const w = paymentWorld();
    const { handler } = w.handlerWith([
      () => {
        w.clock += 25;
        return ok;
      },
    ]);
    const phases = new PhaseTimer(w.now);
    await handler.processPayment(pay(), 'u1', phases);
    const { rt, metrics, flushed } = endOfCall(w, true, true);
    await completeCall(rt, phases, { callable: 'processPayment', uid: 'u1', outcome: 'ok', durationMs: 30 });
    expect(completed()).toHaveLength(1);
    const event = completed()[0]!;
    expect(event).toMatchObject({ callable: 'processPayment', outcome: 'ok', severity: 'INFO', durationMs: 30 });
    const phasesMs = event.phasesMs as Record<string, unknown>;
    expect(phasesMs).toMatchObject({
      [PaymentPhase.attempts]: [25],
      [HousekeepingPhase.publish]: 6,
    });
    expect(phasesMs).not.toHaveProperty(HousekeepingPhase.flush);
    // The event went to CloudWatch with this call's own flush, not a later call's.
    expect(flushed.some((e) => (e as { event?: string }).event === 'call.completed')).toBe(true);
    for (const phase of [PaymentPhase.claim, PaymentPhase.breaker, PaymentPhase.finalize, PaymentPhase.events])
      expect(phasesMs).toHaveProperty(phase);
    expect(phasesMs).not.toHaveProperty(PaymentPhase.lookup);
    // The call's phases ship with its own flush; the flush's own time with the next drain.
    const samples = [...(flushed as Record<string, unknown>[]), ...metrics.drain(T0 + 10, { force: true })]
      .filter((e) => 'CallPhaseLatency' in e)
      .map((e) => [e.Phase, e.CallPhaseLatency]);
    expect(samples).toEqual(
      expect.arrayContaining([
        ['attempts', [25]],
        ['flush', [9]],
        ['publish', [6]],
      ]),
    );
  });

  it('leaves out what did not run: no publish when none was due, no flush without a shipper', async () => {
    const w = paymentWorld();
    const phases = new PhaseTimer(w.now);
    const { rt } = endOfCall(w, false, false);
    await completeCall(rt, phases, {
      callable: 'processPayment',
      uid: 'u1',
      outcome: 'invalid-argument',
      durationMs: 2,
    });
    expect(completed()).toHaveLength(1);
    expect(completed()[0]).toMatchObject({ severity: 'WARNING', phasesMs: {} });
  });
});

describe('afterCall', () => {
  it('waits for the Eventarc publishes a webhook delivery or a scheduled run started, and ships after them', async () => {
    const w = paymentWorld();
    const { rt } = endOfCall(w, false, true);
    const steps: string[] = [];
    const events = {
      settle: async () => {
        await new Promise((r) => setTimeout(r, 5));
        steps.push('settled');
        return true;
      },
    };
    const flush = rt.shipper!.flush.bind(rt.shipper);
    const shipper = { ...rt.shipper!, flush: () => (steps.push('flushed'), flush()) };
    await afterCall({ ...rt, shipper, events });
    expect(steps).toEqual(['settled', 'flushed']);
  });
});
