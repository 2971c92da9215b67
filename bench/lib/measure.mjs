// Timing helpers: closed-loop (N operations, C workers) and open-loop (fixed
// rate) runners, percentiles through the project's LatencyWindow, medians.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { lib } from './project.mjs';

// A full GC before each timed run, so garbage left by the previous variant is
// not collected on the next one's time (the usual --expose-gc, set at run time).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

const { LatencyWindow } = lib('resilience/window/latency.js');

export { sleep };

/**
 * Latency recorder over the project's LatencyWindow (nearest-rank percentiles).
 * Samples are stored in microseconds because LatencyWindow rounds to 0.01 of
 * its unit, and rejections by an open breaker take a few microseconds.
 */
export class Latencies {
  #window = new LatencyWindow(24 * 3600_000, 10_000_000);
  #count = 0;

  /** Records one duration in milliseconds. */
  record(ms) {
    this.#window.record(ms * 1000);
    this.#count++;
  }

  get count() {
    return this.#count;
  }

  /** `{ p50, p95, p99 }` in ms (3 decimals), null when empty. */
  percentiles() {
    const p = this.#window.percentiles();
    const ms = (us) => (us === null ? null : Math.round(us) / 1000);
    return { p50: ms(p.p50), p95: ms(p.p95), p99: ms(p.p99) };
  }
}

/** Stable code of an error for outcome counts: AppError / FunctionsError code, else its name. */
export function codeOf(err) {
  const code = err?.code;
  return typeof code === 'string' && code !== '' ? code : (err?.name ?? 'Error');
}

/**
 * Runs `n` operations with `concurrency` workers, each starting the next
 * operation as soon as its previous one settled. `op(i, worker)` (worker:
 * 0..concurrency-1, which of them runs it) rejects on failure.
 */
export async function closedLoop({ n, concurrency, op }) {
  const lat = new Latencies();
  const errors = {};
  let next = 0;
  let failures = 0;
  collectGarbage();
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const worker = async (w) => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i, w);
      } catch (err) {
        failures++;
        const code = codeOf(err);
        errors[code] = (errors[code] ?? 0) + 1;
      }
      lat.record(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, (_, w) => worker(w)));
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  // Client CPU per operation (this process only: user + system), steadier than wall time under outside load.
  const cpuUsPerOp = (cpu.user + cpu.system) / n;
  return { n, concurrency, ms, opsPerSec: (n * 1000) / ms, ...lat.percentiles(), cpuUsPerOp, failures, errors };
}

/**
 * Starts `count` operations at a fixed interval whatever their duration (open
 * loop, as real traffic arrives) and resolves with their results in order.
 * `op(i, startedAtMs)` must not reject; times are relative to `start` (performance.now()).
 */
export async function openLoop({ count, intervalMs, op, start = performance.now() }) {
  const pending = [];
  for (let i = 0; i < count; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(op(i, performance.now() - start));
  }
  return Promise.all(pending);
}

/** Median of numbers (mean of the middle two for an even count); null when empty. */
export function median(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** `[min, max]` of numbers, null when empty. */
export function spread(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
}

/** `order` rotated by `r` places: round r runs the variants in a different order. */
export function rotate(order, r) {
  const k = r % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}
