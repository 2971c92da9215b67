/**
 * The callables' public contract: request and response shapes and the word
 * lists they use, shared with the admin SPA (web/src/api/types.ts re-exports
 * this folder wholesale), so a change here is checked on both sides. One file
 * per subject; every file imports only zod (request schemas, e.g.
 * ProcessPaymentRequest, from which the request types are inferred) and other
 * import-free `*Types.ts` files (types and re-exports): the SPA bundles them. The numbers of a
 * generic mechanism (breaker, pools, limits, latency, ejection) are defined
 * beside it in resilience/ and re-exported here. Each shape is defined once
 * and used under its name everywhere. Times are epoch ms; a number nobody
 * measured is null.
 */
export * from './breakers.js';
export * from './errors.js';
export * from './events.js';
export * from './explorer.js';
export * from './health.js';
export * from './history.js';
export * from './incidents.js';
export * from './ledger.js';
export * from './payments.js';
export * from './pools.js';
export * from './refunds.js';
export * from './refusals.js';
export * from './stats.js';
