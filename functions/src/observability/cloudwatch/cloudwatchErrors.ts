import { redactString } from '../logs/redact.js';

/**
 * How the shipper reacts to a failed CloudWatch Logs call:
 * - `notFound`: the log group or stream is missing -> create them, then retry the put;
 * - `transient`: throttling, 5xx, network trouble, per-request timeout -> back off and retry within the budget;
 * - `data`: the service refused the batch itself (InvalidParameterException...) -> drop it, count as failed;
 * - `accepted`: DataAlreadyAcceptedException -> the batch is already stored, count as sent;
 * - `config`: credentials/permissions are wrong -> stop, keep events buffered (retrying cannot help now);
 * - `credentials`: no AWS credentials could be had (STS or the metadata server down or refusing,
 *   key secrets unset) -> stop before any request, keep events buffered;
 * - `aborted`: the request was aborted (flush budget or per-request timeout; the shipper tells them apart).
 */
export const FailureKinds = {
  notFound: 'notFound',
  transient: 'transient',
  data: 'data',
  accepted: 'accepted',
  config: 'config',
  credentials: 'credentials',
  aborted: 'aborted',
} as const;
export type FailureKind = (typeof FailureKinds)[keyof typeof FailureKinds];

const TRANSIENT = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'OperationAbortedException',
  'TimeoutError',
]);
const CONFIG = new Set([
  'UnrecognizedClientException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
]);

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Classifies an error thrown by the AWS SDK (or the network under it). */
export function classifyFailure(err: unknown): FailureKind {
  const e = (err ?? {}) as SdkErrorLike;
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'AbortError') return FailureKinds.aborted;
  if (name === 'AwsCredentialsError') return FailureKinds.credentials;
  if (name === 'ResourceNotFoundException') return FailureKinds.notFound;
  if (name === 'DataAlreadyAcceptedException') return FailureKinds.accepted;
  if (CONFIG.has(name)) return FailureKinds.config;
  if (TRANSIENT.has(name)) return FailureKinds.transient;
  const status = e.$metadata?.httpStatusCode;
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return FailureKinds.transient;
  if (e.$fault === 'client' || (status !== undefined && status >= 400)) return FailureKinds.data;
  // No HTTP answer at all (ECONNREFUSED, socket hang up, DNS): the network, not the data.
  return FailureKinds.transient;
}

/** Stable codes of `stats().lastError.code`. */
export const ShipErrorCodes = {
  throttled: 'CLOUDWATCH_THROTTLED',
  unavailable: 'CLOUDWATCH_UNAVAILABLE',
  network: 'CLOUDWATCH_NETWORK',
  timeout: 'CLOUDWATCH_TIMEOUT',
  budgetExceeded: 'CLOUDWATCH_FLUSH_BUDGET_EXCEEDED',
  rejected: 'CLOUDWATCH_REJECTED',
  partiallyRejected: 'CLOUDWATCH_EVENTS_REJECTED',
  notFound: 'CLOUDWATCH_DESTINATION_MISSING',
  config: 'CLOUDWATCH_ACCESS_DENIED',
  credentials: 'CLOUDWATCH_CREDENTIALS_UNAVAILABLE',
  guardRejected: 'CLOUDWATCH_GUARD_REJECTED',
  serialization: 'CLOUDWATCH_UNSERIALIZABLE_EVENT',
} as const;
export type ShipErrorCode = (typeof ShipErrorCodes)[keyof typeof ShipErrorCodes];

/** A failure as `stats()` reports it: a stable code and a message for a person (no secrets). */
export interface ShipError {
  /** Stable identifier, one of {@link ShipErrorCodes}. */
  code: ShipErrorCode;
  /** What happened and what to do. */
  message: string;
  /** Epoch ms of the failure. */
  at: number;
}

const MAX_DETAIL = 300;

/** "ThrottlingException: Rate exceeded", redacted and bounded, for inclusion in a message. */
export function errorDetail(err: unknown): string {
  const e = (err ?? {}) as SdkErrorLike & { message?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const code = typeof e.code === 'string' && e.code !== name ? ` ${e.code}` : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  return redactString(`${name}${code}: ${message}`).slice(0, MAX_DETAIL);
}

/** Builds the `lastError` entry for a failure of the given kind. */
export function toShipError(kind: FailureKind | 'timeout' | 'budget' | 'guard', err: unknown, at: number): ShipError {
  const detail = errorDetail(err);
  const keep = 'the events stay buffered and the next flush retries them';
  switch (kind) {
    case 'budget':
      return {
        code: ShipErrorCodes.budgetExceeded,
        message: `CloudWatch Logs did not answer within the flush budget; ${keep}.`,
        at,
      };
    case 'timeout':
      return { code: ShipErrorCodes.timeout, message: `A CloudWatch Logs request timed out; ${keep}. (${detail})`, at };
    case 'guard':
      return {
        code: ShipErrorCodes.guardRejected,
        message: `The circuit breaker refused the CloudWatch Logs call; ${keep}. (${detail})`,
        at,
      };
    case FailureKinds.config:
      return {
        code: ShipErrorCodes.config,
        message: `CloudWatch Logs refused the credentials or permissions; check the AWS credentials and logs:PutLogEvents/CreateLogStream rights. ${keep}. (${detail})`,
        at,
      };
    case FailureKinds.credentials:
      // Our own words (awsCredentials.ts), built from identifiers only: "could not get AWS credentials: STS unavailable (...)".
      return {
        code: ShipErrorCodes.credentials,
        message: `${redactString((err as Error).message).slice(0, MAX_DETAIL)}; ${keep}.`,
        at,
      };
    case FailureKinds.data:
      return {
        code: ShipErrorCodes.rejected,
        message: `CloudWatch Logs rejected a batch as invalid; it was dropped. (${detail})`,
        at,
      };
    case FailureKinds.notFound:
      return {
        code: ShipErrorCodes.notFound,
        message: `The log group or stream is missing and could not be created yet; ${keep}. (${detail})`,
        at,
      };
    default: {
      const name = (err as SdkErrorLike | undefined)?.name;
      const status = (err as SdkErrorLike | undefined)?.$metadata?.httpStatusCode;
      const code =
        name === 'ThrottlingException'
          ? ShipErrorCodes.throttled
          : status !== undefined
            ? ShipErrorCodes.unavailable
            : ShipErrorCodes.network;
      return { code, message: `CloudWatch Logs is unavailable or throttling; ${keep}. (${detail})`, at };
    }
  }
}

/** An error's name or Node error code when it is a plain identifier; never free text (messages may carry URLs). */
export function safeIdentifier(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : undefined;
}

/**
 * What a failed health call shows as `HealthResult.error`: the problem in
 * words with the error's name, HTTP status or network code, never its message
 * or anything else that could carry a URL, header or credential.
 */
export function healthProblem(err: unknown): string {
  const e = (err ?? {}) as SdkErrorLike;
  const name = safeIdentifier(e.name) ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  switch (classifyFailure(err)) {
    case FailureKinds.config:
      return `CloudWatch Logs refused the credentials or permissions (${name}); check the AWS credentials and the logs:DescribeLogGroups right`;
    case FailureKinds.credentials:
      return redactString((err as Error).message).slice(0, MAX_DETAIL); // our own words, identifiers only
    case FailureKinds.aborted:
      return 'the health call to CloudWatch Logs was cancelled';
    case FailureKinds.data:
      return `CloudWatch Logs refused the health query (${name}, HTTP ${status ?? 'status unknown'})`;
    default:
      if (name === 'ThrottlingException') return 'CloudWatch Logs is throttling requests (ThrottlingException)';
      if (status !== undefined) return `CloudWatch Logs answered HTTP ${status} (${name})`;
      return `CloudWatch Logs could not be reached (${safeIdentifier(e.code) ?? name})`;
  }
}
