/** Keep-alive HTTP pools per downstream service: public names. */
export {
  HttpPoolManager,
  type AgentRegistration,
  type AgentSettings,
  type EndpointPoolStats,
  type HealthProbe,
  type HealthResult,
  type HttpClientOptions,
  type MakeRequestOptions,
  type PooledAgent,
  type PoolProtocol,
} from './httpPool.js';
export {
  HttpAbortedError,
  HttpConnectionError,
  HttpPoolConfigError,
  HttpTimeoutError,
  UnknownServiceError,
} from './httpPoolErrors.js';
export { protocolOf } from './httpAgent.js';
export { endpointName } from './httpEndpoints.js';
export { REQUEST_OUTCOME, type HttpPoolStats, type RequestOutcome } from './httpPoolStats.js';
export { PooledNodeHttpHandler, sdkRequestOutcome, type PooledHandlerOptions } from './pooledNodeHttpHandler.js';
export { repeatableOnReset } from './reusedSocketRetry.js';
export { STALL_SHARE, StallWatch } from './stallWatch.js';
