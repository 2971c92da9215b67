/** Keep-alive HTTP pools per downstream service: public names. */
export { HttpPoolManager, type HealthResult, type HttpClientOptions, type MakeRequestOptions } from './httpPool.js';
export {
  HttpAbortedError,
  HttpConnectionError,
  HttpPoolConfigError,
  HttpTimeoutError,
  UnknownServiceError,
} from './httpPoolErrors.js';
export type { HttpPoolStats } from './httpPoolStats.js';
