/**
 * `getIncidentTimeline`: the incident kinds and the timeline.
 * Part of the callables' contract (see api/index.ts): import-free, the SPA bundles it.
 */

/**
 * Kinds of incident timeline events. `ejection` and `limit-change` come from
 * the multi-endpoint balancer and the adaptive concurrency limit when those
 * publish them; the others from breakers, refusals and the ledger.
 */
export const IncidentKind = {
  breakerTransition: 'breaker-transition',
  ejection: 'ejection',
  limitChange: 'limit-change',
  rejection: 'rejection',
  unknownPayment: 'unknown-payment',
} as const;
export type IncidentKind = (typeof IncidentKind)[keyof typeof IncidentKind];

/** One entry of the incident timeline. */
export interface IncidentEvent {
  /** When it happened (epoch ms); for counted kinds, the last occurrence in its minute. */
  at: number;
  kind: IncidentKind;
  /** What it concerns: a service (`payment-service`), an endpoint label, a pool, a rejection reason, a transactionId. */
  subject: string;
  /** One line for a person, e.g. "closed -> open (failure-rate, 100 % of 6 calls)". */
  summary: string;
  /** Occurrences merged into this entry: rejections and limit changes are counted per instance and minute; else 1. */
  count: number;
  /** The instance that recorded it; null when read from the ledger or `breakers/*`. */
  instanceId: string | null;
}

/** Answer of `getIncidentTimeline`: the last hour, newest first. */
export interface IncidentTimeline {
  at: number;
  /** Start of the window (`at` - 1 h). */
  since: number;
  events: IncidentEvent[];
  /** True when more events than the answer holds happened in the window (the oldest were left out). */
  truncated: boolean;
}
