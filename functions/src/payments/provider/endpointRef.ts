/**
 * The provider reference of a payment of the generic contract, pinned to the
 * endpoint chosen for it when it was prepared: `<transactionId>@<endpoint>`,
 * or `<transactionId>@<endpoint>#shared` when the endpoints shared
 * idempotency keys then (PAYMENT_ENDPOINTS_SHARE_KEYS: a later attempt may
 * have failed over to another endpoint). The endpoint is its stable name
 * (endpointName: `host[:port][/path]` of its base URL, no scheme, credentials,
 * query or trailing slash), so the pin survives reordering PAYMENT_SERVICE_URL,
 * a switch between http and https, and moving the URL to PAYMENT_RETIRED_URLS.
 * It is stored on the ledger record before anything is sent
 * (PaymentLedger.attachProviderRef), so every attempt, the call's lookup and
 * any later reconciliation go to the endpoint that may hold the charge:
 * endpoints that do not share idempotency keys would charge the same key again.
 * Records of versions before every payment was pinned hold the bare
 * transactionId (one URL, or shared keys): their endpoint is unknown
 * (endpointRoutes.ts asks every known endpoint).
 */

/** A provider reference, read. */
export interface ParsedRef {
  transactionId: string;
  /** The pinned endpoint's name; null for a bare transactionId (a record of an older version). */
  endpoint: string | null;
  /** Pinned while the endpoints shared keys: an attempt may have gone to any of them. */
  shared: boolean;
}

// Neither '@' nor '#' can appear in a transactionId (TRANSACTION_ID_PATTERN) or an endpoint name
// (URL hosts refuse both, a URL's pathname percent-encodes '#', and userinfo is never part of the name).
const SHARED_MARK = '#shared';

/** The reference pinning `transactionId` to `endpoint` (an endpointName); `shared` when the endpoints share keys. */
export function pinnedRef(transactionId: string, endpoint: string, shared = false): string {
  return `${transactionId}@${endpoint}${shared ? SHARED_MARK : ''}`;
}

/** Splits a reference into the transactionId, its endpoint (null when it is not pinned) and the shared mark. */
export function parseRef(ref: string): ParsedRef {
  const at = ref.indexOf('@');
  if (at === -1) return { transactionId: ref, endpoint: null, shared: false };
  const pin = ref.slice(at + 1);
  const shared = pin.endsWith(SHARED_MARK);
  return {
    transactionId: ref.slice(0, at),
    endpoint: shared ? pin.slice(0, -SHARED_MARK.length) : pin,
    shared,
  };
}

/** The endpoint `ref` is pinned to, or null when it is a bare transactionId (no object built: read on every attempt). */
export function pinnedEndpoint(ref: string): string | null {
  const at = ref.indexOf('@');
  if (at === -1) return null;
  return ref.endsWith(SHARED_MARK) ? ref.slice(at + 1, -SHARED_MARK.length) : ref.slice(at + 1);
}
