/**
 * The provider reference of a payment pinned to one endpoint of a provider
 * with several (PAYMENT_SERVICE_URL lists them, PAYMENT_ENDPOINTS_SHARE_KEYS
 * is off): `<transactionId>@<endpoint>`. It is stored on the ledger record
 * before anything is sent (PaymentLedger.attachProviderRef), so every attempt,
 * the call's lookup and any later reconciliation go to the endpoint that may
 * hold the charge: endpoints that do not share idempotency keys would charge
 * the same key again.
 */

/** The reference pinning `transactionId` to `endpoint` (an endpointName). */
export function pinnedRef(transactionId: string, endpoint: string): string {
  return `${transactionId}@${endpoint}`;
}

/** Splits a reference into the transactionId and its endpoint (null when it is not pinned). */
export function parseRef(ref: string): { transactionId: string; endpoint: string | null } {
  // Transaction ids never contain '@' (TRANSACTION_ID_PATTERN), endpoint names never carry credentials.
  const at = ref.indexOf('@');
  return at === -1
    ? { transactionId: ref, endpoint: null }
    : { transactionId: ref.slice(0, at), endpoint: ref.slice(at + 1) };
}

/** The endpoint `ref` is pinned to, or null when it is a bare transactionId (no object built: read on every attempt). */
export function pinnedEndpoint(ref: string): string | null {
  const at = ref.indexOf('@');
  return at === -1 ? null : ref.slice(at + 1);
}
