import { describe, expect, it } from 'vitest';
import { HousekeepingPhase } from '../../functions/src/app/housekeeping.ts';
import { PaymentPhase } from '../../functions/src/payments/paymentEvents.ts';
import { completedCalls, END_OF_CALL_PHASES, inWindows, PHASE_ORDER, phaseMedians, unphased } from './phases.mjs';

const line = (fields) => `>  ${JSON.stringify({ event: 'call.completed', severity: 'INFO', ...fields })}`;

describe('phases from the emulator log', () => {
  const text = [
    'i  functions: Beginning execution of "us-central1-processPayment"',
    line({ timestamp: 100, callable: 'processPayment', outcome: 'ok', phasesMs: { claim: 4, attempts: [3, 2] } }),
    line({
      timestamp: 150,
      callable: 'processPayment',
      outcome: 'ok',
      phasesMs: { claim: 6, attempts: [1], flush: 9 },
    }),
    line({ timestamp: 160, callable: 'processPayment', outcome: 'invalid-argument', phasesMs: { validate: 1 } }),
    line({ timestamp: 170, callable: 'resetCircuitBreakers', outcome: 'ok', phasesMs: {} }),
    line({ timestamp: 300, callable: 'processPayment', outcome: 'ok', phasesMs: { claim: 100 } }),
    '>  {"event":"call.completed", truncated',
  ].join('\n');

  it('keeps the answered calls of the callable inside the windows', () => {
    const calls = inWindows(completedCalls(text, 'processPayment'), [{ from: 90, to: 200 }]);
    expect(calls.map((c) => c.timestamp)).toEqual([100, 150]);
  });

  it('gives each phase its median over the calls that ran it, attempts summed per call, in run order', () => {
    const calls = inWindows(completedCalls(text, 'processPayment'), [{ from: 90, to: 200 }]);
    expect(phaseMedians(calls)).toEqual([
      { phase: 'claim', median: 5, calls: 2 },
      { phase: 'attempts', median: 3, calls: 2 },
      { phase: 'flush', median: 9, calls: 1 },
    ]);
  });

  it('orders every phase the functions measure (a new one would otherwise land after them all)', () => {
    const measured = [...Object.values(PaymentPhase), ...Object.values(HousekeepingPhase)];
    expect(measured.filter((p) => !PHASE_ORDER.includes(p))).toEqual([]);
  });

  it("gives the handler time no phase covers call by call: durationMs less that call's handler phases", () => {
    const calls = [
      // 10 - (3 + 1 + 2 + 3) = 1; the end-of-call phases are after durationMs and do not count.
      { durationMs: 10, phasesMs: { claim: 3, attempts: [1, 2], finalize: 3, publish: 20, flush: 5 } },
      { durationMs: 8, phasesMs: { claim: 5, finalize: 2.5 } },
      { durationMs: 30, phasesMs: { claim: 25, finalize: 2 } },
    ];
    // Per call 1, 0.5 and 3.
    expect(unphased(calls)).toEqual({ median: 1, mean: 1.5, calls: 3 });
    expect(unphased([])).toBeNull();
  });

  it('knows the end-of-call phases the functions measure', () => {
    expect([...END_OF_CALL_PHASES].sort()).toEqual(Object.values(HousekeepingPhase).sort());
  });
});
