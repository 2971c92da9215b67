/**
 * The error codes the generic mechanisms raise (breaker, HTTP pool, query pool).
 * Import-free: the product's full list (api/errors.ts) includes these.
 */

/** Codes of the errors resilience/ throws, each its own value. */
export const ResilienceErrorCode = {
  BREAKER_OPEN: 'BREAKER_OPEN',
  BREAKER_CONFIG_INVALID: 'BREAKER_CONFIG_INVALID',
  UNKNOWN_BREAKER: 'UNKNOWN_BREAKER',
  HTTP_TIMEOUT: 'HTTP_TIMEOUT',
  HTTP_CONNECTION: 'HTTP_CONNECTION',
  HTTP_ABORTED: 'HTTP_ABORTED',
  UNKNOWN_SERVICE: 'UNKNOWN_SERVICE',
  HTTP_POOL_CONFIG: 'HTTP_POOL_CONFIG',
  DB_POOL_EXHAUSTED: 'DB_POOL_EXHAUSTED',
  DB_QUERY_TIMEOUT: 'DB_QUERY_TIMEOUT',
  DB_QUERY_FAILED: 'DB_QUERY_FAILED',
  DB_POOL_CONFIG_INVALID: 'DB_POOL_CONFIG_INVALID',
} as const;
export type ResilienceErrorCode = (typeof ResilienceErrorCode)[keyof typeof ResilienceErrorCode];
