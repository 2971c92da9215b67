import { AppError } from '../appError.js';

/**
 * Details common to the transport errors of the HTTP pool. Safe to show: no
 * URL, header or body is ever included (URLs and headers may carry API keys).
 */
export type HttpTransportDetails = {
  /** Registered service name the request was for. */
  service: string;
  /**
   * False only when the request certainly never left this process (refused or
   * never-established connection, deadline passed while queued for a socket).
   * True means the server may have received it: a payment may exist and must
   * be looked up (or retried with the same idempotency key), not assumed absent.
   */
  mayHaveReachedServer: boolean;
};

/** The attempt passed its wall-clock deadline (queue wait included). */
export class HttpTimeoutError extends AppError {
  static readonly code = 'HTTP_TIMEOUT';
  declare readonly details: HttpTransportDetails & {
    /** Deadline of the attempt, in milliseconds. */
    timeoutMs: number;
    /** True when the deadline passed while the request was still queued behind maxSockets. */
    waitingForSocket: boolean;
    /** Time the request waited for a socket of our own pool, ms (all of the deadline when waitingForSocket). */
    queuedMs?: number;
  };

  constructor(details: HttpTimeoutError['details'], cause?: unknown) {
    const where = details.waitingForSocket
      ? 'while waiting for a free connection (pool saturated: raise maxSockets or shed load)'
      : 'before the response completed (service slow or unreachable: check its health)';
    super(
      HttpTimeoutError.code,
      `Request to service "${details.service}" timed out after ${details.timeoutMs} ms ${where}.`,
      { cause, details },
    );
  }
}

/** The connection failed: refused, reset, hung up, DNS or TLS failure, malformed response. */
export class HttpConnectionError extends AppError {
  static readonly code = 'HTTP_CONNECTION';
  declare readonly details: HttpTransportDetails & {
    /** Low-level error code such as `ECONNREFUSED`, `ECONNRESET` or `ENOTFOUND` (`UNKNOWN` when none). */
    errno: string;
  };

  constructor(details: HttpConnectionError['details'], cause?: unknown) {
    super(
      HttpConnectionError.code,
      `Connection to service "${details.service}" failed (${details.errno}). ` +
        'Check that the service is up and reachable; the caller decides whether to retry.',
      { cause, details },
    );
  }
}

/** The caller's AbortSignal fired before the response completed. */
export class HttpAbortedError extends AppError {
  static readonly code = 'HTTP_ABORTED';
  declare readonly details: HttpTransportDetails;

  constructor(details: HttpTransportDetails) {
    super(HttpAbortedError.code, `Request to service "${details.service}" was cancelled by its caller.`, { details });
  }
}

/** No service with this name was registered with `createHttpClient`. */
export class UnknownServiceError extends AppError {
  static readonly code = 'UNKNOWN_SERVICE';
  declare readonly details: { service: string };

  constructor(service: string) {
    super(
      UnknownServiceError.code,
      `No HTTP client is registered for service "${service}". Call createHttpClient("${service}", baseURL) at startup first.`,
      { details: { service } },
    );
  }
}

/** `createHttpClient` or `makeRequest` was given an unusable base URL or option (a programming error). */
export class HttpPoolConfigError extends AppError {
  static readonly code = 'HTTP_POOL_CONFIG';

  constructor(service: string, problem: string) {
    super(
      HttpPoolConfigError.code,
      `Invalid HTTP pool setting for service "${service}": ${problem}. Fix the calling code or its configuration.`,
      { details: { service } },
    );
  }
}
