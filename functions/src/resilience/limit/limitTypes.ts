/**
 * What an adaptive concurrency limit reports: its view and its changes.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

/** Why an adaptive concurrency limit moved. */
export const LimitChangeReason = {
  /** Recent latency rose well above its baseline. */
  latency: 'latency',
  /** A 429 or a timeout: the service said, or showed, "too much". */
  dropped: 'dropped',
  /** Latency back near its baseline with the limit in use: the limit grows toward its cap. */
  recovered: 'recovered',
} as const;
export type LimitChangeReason = (typeof LimitChangeReason)[keyof typeof LimitChangeReason];

/** One change of an adaptive concurrency limit. */
export interface LimitChange {
  at: number;
  from: number;
  to: number;
  reason: LimitChangeReason;
}

/**
 * An adaptive concurrency limit (payment-service requests, Firestore queries):
 * where it stands between its bounds, and how it moved. Fleet-wide: limits,
 * bounds and gauges summed, the newest changes of any instance.
 */
export interface ConcurrencyLimitView {
  /** Requests allowed in flight now. */
  limit: number;
  /** Its lower bound. */
  min: number;
  /** Its upper bound: the cap (sockets, slots). */
  max: number;
  /** Requests holding a slot of the limit right now. */
  inFlight: number;
  /** Requests waiting for a slot right now (within their own deadline). */
  waiting: number;
  /** Requests that got no slot in time (their deadline passed, or too little of it was left to be answered): never sent. */
  rejected: number;
  /** Changes so far. */
  changes: number;
  /** The most recent changes, oldest first. */
  recentChanges: LimitChange[];
}
