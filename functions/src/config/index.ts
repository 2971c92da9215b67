/**
 * The functions' configuration: the variables and their rules
 * (configSchema.ts), the rules across variables (configChecks.ts), the parse
 * and process-wide copy (config.ts), the deploy options taken from it
 * (deployOptions.ts) and fixed time budgets (timeBudgets.ts). The secrets are
 * secrets.ts, imported by name: loading it defines them for deploy discovery.
 */
export * from './config.js';
export * from './configChecks.js';
export * from './configSchema.js';
export * from './deployOptions.js';
export * from './timeBudgets.js';
