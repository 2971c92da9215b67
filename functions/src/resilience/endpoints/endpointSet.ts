import type { EjectionView } from './endpointTypes.js';

/** Settings of outlier ejection, after Envoy's outlier detection (consecutive_5xx, base_ejection_time, max_ejection_percent). */
export interface EjectionOptions {
  /** 5xx answers or timeouts in a row that eject an endpoint; default 3. */
  consecutiveFailures?: number;
  /** First ejection period, ms; the n-th ejection in a row lasts n times as long (jittered ±25 %); default 30000. */
  baseEjectionMs?: number;
  /** Longest ejection period, ms; default 300000. */
  maxEjectionMs?: number;
  /** Share of the endpoints that may be ejected at once; default 0.5 (never more than half). */
  maxEjectedShare?: number;
  now?: () => number;
  random?: () => number;
}

/** What happened to an endpoint's rotation (logging and metrics subscribe). */
export type EndpointEvent =
  | { kind: 'ejected'; endpoint: string; untilMs: number; ejections: number; consecutiveFailures: number }
  | { kind: 'returned'; endpoint: string }
  | { kind: 'ejection-skipped'; endpoint: string; consecutiveFailures: number };

/** How one request to an endpoint ended, for ejection and load balancing. */
export type EndpointOutcome = 'success' | 'failure' | 'neutral';

interface EndpointState {
  name: string;
  outstanding: number;
  /** Recent latency (EWMA), ms; null before the first answer. */
  latencyMs: number | null;
  consecutiveFailures: number;
  ejections: number;
  ejectedUntil: number | null;
  /** The last request that counted ended in a failure (a returned endpoint starts clean). */
  lastFailed: boolean;
  /** When the last ejection ended: its multiplier decays after a quiet period. */
  lastEjectionEndedAt: number | null;
}

const LATENCY_ALPHA = 0.3;

/**
 * The endpoints (base URLs) of one provider: which one a new request goes to,
 * and which are ejected. Least outstanding requests first, ties by recent
 * latency, then round robin. An endpoint answering 5xx or timing out
 * `consecutiveFailures` times in a row is ejected for a jittered period that
 * grows with repeated ejections; at most `maxEjectedShare` of the endpoints are
 * out at once (one of two, none of one), so a provider-wide outage is left to
 * the fleet circuit breaker. An ejected endpoint still answers requests pinned
 * to it (a payment that may have reached it is never moved elsewhere unless
 * the endpoints share idempotency keys): ejection only steers new payments.
 */
export class EndpointSet {
  private readonly states: EndpointState[];
  private cursor = 0;
  private readonly listeners: ((e: EndpointEvent) => void)[] = [];
  private readonly threshold: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxEjected: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(names: readonly string[], options: EjectionOptions = {}) {
    if (names.length === 0) throw new RangeError('an endpoint set needs at least one endpoint');
    this.states = names.map((name) => ({
      name,
      outstanding: 0,
      latencyMs: null,
      consecutiveFailures: 0,
      ejections: 0,
      ejectedUntil: null,
      lastFailed: false,
      lastEjectionEndedAt: null,
    }));
    this.names = Object.freeze([...names]);
    this.threshold = options.consecutiveFailures ?? 3;
    this.baseMs = options.baseEjectionMs ?? 30_000;
    this.maxMs = options.maxEjectionMs ?? 300_000;
    this.maxEjected = Math.floor(names.length * (options.maxEjectedShare ?? 0.5));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Endpoint names, in configuration order (one frozen array: callers read it on every request). */
  readonly names: readonly string[];

  /** Subscribes to ejections and returns. */
  onEvent(listener: (e: EndpointEvent) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Index of the endpoint a new request should go to (never an ejected one
   * while another is in rotation); `avoid` is chosen only when no other
   * endpoint is in rotation (a retry moving away from the one that failed it).
   */
  pick(avoid?: number): number {
    this.expireEjections();
    let best = -1;
    for (let k = 0; k < this.states.length; k++) {
      const i = (this.cursor + k) % this.states.length;
      const s = this.states[i]!;
      if (s.ejectedUntil !== null) continue;
      if (i === avoid) continue;
      if (best === -1 || this.better(s, this.states[best]!)) best = i;
    }
    // Only `avoid` is in rotation; with nothing avoided this cannot happen while at most half are ejected.
    if (best === -1) best = avoid !== undefined && this.states[avoid] ? avoid : this.cursor % this.states.length;
    this.cursor = (best + 1) % this.states.length;
    return best;
  }

  /** Marks a request to endpoint `i` as sent; call {@link finish} when it ends. */
  start(i: number): void {
    this.state(i).outstanding++;
  }

  /**
   * Ends a request to endpoint `i`: `failure` (5xx, timeout, connection
   * failure) counts toward ejection, `success` (any contract answer) resets
   * the count, `neutral` (429, caller's own trouble) does neither. Returns
   * true when the endpoint is ejected now (this failure is isolated to it).
   */
  finish(i: number, outcome: EndpointOutcome, latencyMs: number | null): boolean {
    const s = this.state(i);
    s.outstanding = Math.max(0, s.outstanding - 1);
    if (latencyMs !== null && outcome !== 'neutral') {
      s.latencyMs = s.latencyMs === null ? latencyMs : s.latencyMs + LATENCY_ALPHA * (latencyMs - s.latencyMs);
    }
    if (outcome === 'success') s.consecutiveFailures = 0;
    if (outcome !== 'neutral') s.lastFailed = outcome === 'failure';
    if (outcome !== 'failure') return s.ejectedUntil !== null;
    s.consecutiveFailures++;
    if (s.ejectedUntil === null && s.consecutiveFailures >= this.threshold) this.eject(s);
    return s.ejectedUntil !== null;
  }

  /** Ejection state of endpoint `i`. */
  ejection(i: number): EjectionView {
    this.expireEjections();
    const s = this.state(i);
    return {
      ejected: s.ejectedUntil !== null,
      ejectedUntil: s.ejectedUntil,
      ejections: s.ejections,
      consecutiveFailures: s.consecutiveFailures,
    };
  }

  /** True when endpoint `i` is ejected or its last request failed: a retry that may go elsewhere should. */
  failing(i: number): boolean {
    this.expireEjections();
    const s = this.state(i);
    return s.ejectedUntil !== null || s.lastFailed;
  }

  /** Requests sent to endpoint `i` and not yet finished. */
  outstanding(i: number): number {
    return this.state(i).outstanding;
  }

  private better(a: EndpointState, b: EndpointState): boolean {
    if (a.outstanding !== b.outstanding) return a.outstanding < b.outstanding;
    if (a.latencyMs !== null && b.latencyMs !== null && a.latencyMs !== b.latencyMs) return a.latencyMs < b.latencyMs;
    return false;
  }

  private eject(s: EndpointState): void {
    const now = this.now();
    const ejectedNow = this.states.filter((x) => x.ejectedUntil !== null).length;
    if (ejectedNow >= this.maxEjected) {
      this.emit({ kind: 'ejection-skipped', endpoint: s.name, consecutiveFailures: s.consecutiveFailures });
      return;
    }
    // Like Envoy, the multiplier falls back once the endpoint stayed healthy for a whole longest period.
    if (s.lastEjectionEndedAt !== null && now - s.lastEjectionEndedAt > this.maxMs) s.ejections = 0;
    s.ejections++;
    const jitter = 0.75 + 0.5 * this.random();
    const periodMs = Math.min(this.maxMs, this.baseMs * s.ejections) * jitter;
    s.ejectedUntil = now + Math.round(periodMs);
    this.emit({
      kind: 'ejected',
      endpoint: s.name,
      untilMs: s.ejectedUntil,
      ejections: s.ejections,
      consecutiveFailures: s.consecutiveFailures,
    });
  }

  private expireEjections(): void {
    const now = this.now();
    for (const s of this.states) {
      if (s.ejectedUntil === null || s.ejectedUntil > now) continue;
      s.ejectedUntil = null;
      s.lastFailed = false;
      s.lastEjectionEndedAt = now;
      // Back on probation: one more failure in a row ejects it again (Envoy resets the count instead; stricter here).
      s.consecutiveFailures = Math.max(0, this.threshold - 1);
      this.emit({ kind: 'returned', endpoint: s.name });
    }
  }

  private emit(e: EndpointEvent): void {
    for (const l of this.listeners) l(e);
  }

  private state(i: number): EndpointState {
    const s = this.states[i];
    if (!s) throw new RangeError(`no endpoint ${i}`);
    return s;
  }
}
