import type { ParsedRef } from './endpointRef.js';

/**
 * Which endpoint of the generic provider a request for a payment may go to,
 * from its reference (endpointRef.ts) and the endpoints configured now. The
 * money rule: a charge goes only where its idempotency key is known (the
 * pinned endpoint; any configured one while they share keys), and a lookup's
 * "not found" proves "not charged" only from an endpoint that would hold the
 * charge. A lookup at the wrong endpoint answering NOT_FOUND must never
 * settle a record `failed`: an endpoint whose name is in neither list is
 * never guessed at.
 */

/** An endpoint of the provider: in rotation (PAYMENT_SERVICE_URL) or retired (PAYMENT_RETIRED_URLS: lookups only). */
export interface EndpointAt {
  retired: boolean;
  /** Position in its list. */
  index: number;
}

/** The endpoints the provider knows, by name (endpointName), and whether the configured ones share keys. */
export interface EndpointDirectory {
  active: readonly string[];
  retired: readonly string[];
  shareKeys: boolean;
}

/** Where a charge for a payment goes. */
export type ChargeRoute =
  /** To this configured endpoint and no other. */
  | { kind: 'pinned'; index: number }
  /** Shared keys: to `prefer` (the pinned endpoint) while it is healthy, else to the least loaded. */
  | { kind: 'any'; prefer: number | null }
  /** Nowhere: nothing is sent. `endpoint` is the pinned name, when there is one. */
  | { kind: 'refused'; reason: 'endpoint-retired' | 'endpoint-not-configured' | 'unpinned'; endpoint: string | null };

/** Where a lookup goes, and which answers settle "not charged". */
export interface LookupPlan {
  /** Asked first, alone: the pinned endpoint. */
  first: EndpointAt | null;
  /** Asked together when the first answer settles nothing: the other endpoints that may hold the charge. */
  rest: EndpointAt[];
  /** Whose NOT_FOUND proves "not charged": the first endpoint's alone, any one's, or only every asked endpoint's. */
  notFound: 'first' | 'any' | 'all';
}

/**
 * The readings of a lookup the plan combines, whatever is looked up (a
 * charge: LookupAnswer; a refund: RefundLookupAnswer): found or pending
 * settle it, not-found may prove absence, unavailable says why not.
 */
export type LookupReading =
  { kind: 'found' | 'pending' | 'canceled' | 'not-found' } | { kind: 'unavailable'; reason: string };

/** What combining lookups may answer besides one endpoint's answer. */
export type CombinedMiss = { kind: 'not-found' } | { kind: 'unavailable'; reason: string };

/** A lookup's route: a plan, or a pinned endpoint the configuration no longer names. */
export type LookupRoute = { kind: 'plan'; plan: LookupPlan } | { kind: 'unknown-endpoint'; endpoint: string };

/** Where the endpoint named `name` is configured; null when it is in neither list. */
export function locate(dir: EndpointDirectory, name: string): EndpointAt | null {
  const active = dir.active.indexOf(name);
  if (active !== -1) return { retired: false, index: active };
  const retired = dir.retired.indexOf(name);
  return retired === -1 ? null : { retired: true, index: retired };
}

/**
 * A charge for a payment pinned to `endpoint` (pinnedEndpoint; null for a
 * bare transactionId) goes to that endpoint while it is configured (with shared
 * keys, to another configured one when the pinned one fails); never to a
 * retired or unknown endpoint. A bare transactionId (an older version's
 * record) may go anywhere with shared keys, to the only endpoint when there
 * is one, and nowhere otherwise: its endpoint is unknown.
 */
export function chargeRoute(endpoint: string | null, dir: EndpointDirectory): ChargeRoute {
  if (endpoint === null) {
    if (dir.shareKeys) return { kind: 'any', prefer: null };
    if (dir.active.length === 1) return { kind: 'pinned', index: 0 };
    return { kind: 'refused', reason: 'unpinned', endpoint: null };
  }
  const at = locate(dir, endpoint);
  if (!at) return { kind: 'refused', reason: 'endpoint-not-configured', endpoint };
  if (at.retired) return { kind: 'refused', reason: 'endpoint-retired', endpoint };
  return dir.shareKeys ? { kind: 'any', prefer: at.index } : { kind: 'pinned', index: at.index };
}

/**
 * A pinned payment is looked up at its endpoint first (configured or
 * retired). Pinned without shared keys, only that endpoint's NOT_FOUND
 * counts; the others are asked only when shared keys are on now and the
 * pinned one could not answer (a charge found anywhere is the truth). Pinned
 * while keys were shared, the charge may be at any endpoint: with shared keys
 * now any one's NOT_FOUND counts, without them every endpoint must say it. A
 * bare transactionId is asked everywhere the same way. A pinned endpoint in
 * neither list is never replaced by a guess.
 */
export function lookupRoute(ref: ParsedRef, dir: EndpointDirectory): LookupRoute {
  const known: EndpointAt[] = [
    ...dir.active.map((_, index) => ({ retired: false, index })),
    ...dir.retired.map((_, index) => ({ retired: true, index })),
  ];
  const anywhere = dir.shareKeys ? 'any' : 'all';
  if (ref.endpoint === null) return { kind: 'plan', plan: { first: null, rest: known, notFound: anywhere } };
  const first = locate(dir, ref.endpoint);
  if (!first) return { kind: 'unknown-endpoint', endpoint: ref.endpoint };
  const rest = known.filter((e) => e.retired !== first.retired || e.index !== first.index);
  if (ref.shared) return { kind: 'plan', plan: { first, rest, notFound: anywhere } };
  return { kind: 'plan', plan: { first, rest: dir.shareKeys ? rest : [], notFound: 'first' } };
}

/** True when `answer`, given first, settles the lookup without asking the rest. */
export function settlesFirst(plan: LookupPlan, answer: LookupReading): boolean {
  return (
    answer.kind === 'found' || answer.kind === 'pending' || (answer.kind === 'not-found' && plan.notFound !== 'all')
  );
}

/**
 * The lookup's answer from the endpoints' answers (the first endpoint's
 * first, when the plan has one; fewer than planned when time ran out): a
 * charge found anywhere; "not found" where the plan says it proves it;
 * otherwise "the provider could not answer".
 */
export function combineLookups<A extends LookupReading>(plan: LookupPlan, answers: readonly A[]): A | CombinedMiss {
  const found = answers.find((a) => a.kind === 'found') ?? answers.find((a) => a.kind === 'pending');
  if (found) return found;
  const notFound = answers.filter((a) => a.kind === 'not-found').length;
  const planned = (plan.first ? 1 : 0) + plan.rest.length;
  const proves =
    plan.notFound === 'first'
      ? plan.first !== null && answers[0]?.kind === 'not-found'
      : plan.notFound === 'any'
        ? notFound > 0
        : notFound === planned && planned > 0;
  if (proves) return { kind: 'not-found' };
  const reasons = answers.flatMap((a: LookupReading) => (a.kind === 'unavailable' ? [a.reason] : []));
  if (answers.length < planned) reasons.push(`${planned - answers.length} endpoint(s) not asked in time`);
  if (notFound > 0) reasons.push(`not found at ${notFound} of ${planned} endpoint(s), which does not prove it`);
  return { kind: 'unavailable', reason: reasons.join('; ') || 'no endpoint answered' };
}
