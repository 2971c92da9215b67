// processPayment's phases as the functions logged them: call.completed's
// phasesMs (docs/operations.md), read back from the emulators' log file, where
// the emulator prints each structured log line of a function as ">  {json}".
// The log is the route because the answer carries no timing (and must not).
import { median } from './measure.mjs';

/** The order phases run in (functions/src/payments/paymentEvents.ts PaymentPhase, app/housekeeping.ts). */
export const PHASE_ORDER = [
  'validate',
  'seal',
  'breaker',
  'claim',
  'prepare',
  'lease',
  'attempts',
  'lookup',
  'finalize',
  'events',
  'publish',
  'eventarc',
  'flush',
];

/** The `call.completed` events of `callable` answered ok that carry phasesMs, from the log's text. */
export function completedCalls(text, callable) {
  const out = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf('{"event":"call.completed"');
    if (at < 0) continue;
    let event;
    try {
      event = JSON.parse(line.slice(at));
    } catch {
      continue;
    }
    if (event.callable === callable && event.outcome === 'ok' && event.phasesMs) out.push(event);
  }
  return out;
}

/** The events logged inside one of the windows `{ from, to }` (epoch ms, the bench's clock: same machine). */
export function inWindows(events, windows) {
  return events.filter((e) => windows.some((w) => e.timestamp >= w.from && e.timestamp <= w.to));
}

/**
 * Median of each phase over the calls where it ran, in run order, with how many
 * calls ran it; a repeated phase (attempts) counts as its total per call.
 */
export function phaseMedians(events) {
  const values = new Map();
  for (const e of events) {
    for (const [phase, v] of Object.entries(e.phasesMs)) {
      const ms = Array.isArray(v) ? v.reduce((a, b) => a + b, 0) : v;
      if (!values.has(phase)) values.set(phase, []);
      values.get(phase).push(ms);
    }
  }
  const rank = (p) => (PHASE_ORDER.includes(p) ? PHASE_ORDER.indexOf(p) : PHASE_ORDER.length);
  return [...values]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([phase, xs]) => ({ phase, median: median(xs), calls: xs.length }));
}

/** The phases of the end-of-call work (app/housekeeping.ts HousekeepingPhase): after the handler's durationMs. */
export const END_OF_CALL_PHASES = ['publish', 'eventarc', 'flush'];

/**
 * The handler time no phase covers, call by call: durationMs less the sum of
 * that call's own handler phases (end-of-call phases excluded), as its median
 * and mean over the calls. Phase medians do not add up to the median
 * durationMs (each phase's skew is its own), so this is the one number that
 * says how much of the handler is unnamed. Null without calls.
 */
export function unphased(events) {
  const gaps = events.map((e) => {
    let named = 0;
    for (const [phase, v] of Object.entries(e.phasesMs)) {
      if (END_OF_CALL_PHASES.includes(phase)) continue;
      named += Array.isArray(v) ? v.reduce((a, b) => a + b, 0) : v;
    }
    return e.durationMs - named;
  });
  if (gaps.length === 0) return null;
  return { median: median(gaps), mean: gaps.reduce((a, b) => a + b, 0) / gaps.length, calls: gaps.length };
}
