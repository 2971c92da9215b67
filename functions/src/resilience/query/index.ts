/** The bounded Firestore query pool: public names. */
export type { RunQuery, RunQueryOptions } from './runQuery.js';
export { QueryPool, type QueryFn, type QueryOptions, type QueryPoolOptions } from './queryPool.js';
export { PoolExhaustedError, QueryFailedError, QueryTimeoutError } from './queryPoolErrors.js';
export { poolStatus, type PoolInterval, type PoolStats } from './queryPoolStats.js';
