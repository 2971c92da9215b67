/**
 * When a request may be sent again after its reused keep-alive socket was
 * reset before any response byte. Such a reset usually means the server closed
 * the idle connection as we reused it, but it may also come after the server
 * processed the request (a provider that charged, then dropped the connection).
 * So only an idempotent method (RFC 9110 §9.2.2: sending it twice has the
 * effect of sending it once) is sent again, as undici does: any other request
 * fails with `mayHaveReachedServer`, and the caller's own retry, which counts
 * what it sends (a payment's attempts, its history), decides.
 */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Whether a request of `method` (default GET, as axios and node:http default) may be repeated on a reused-socket reset. */
export function repeatableOnReset(method: string | undefined): boolean {
  return IDEMPOTENT_METHODS.has((method ?? 'GET').toUpperCase());
}
