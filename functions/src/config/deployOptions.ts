import type { Config } from './configSchema.js';

/**
 * The options every deployed function shares. A function's options are read
 * once, when it is defined at module load, which is when deploy discovery
 * records them; so they come from the same parsed config as everything else.
 */
export function sharedFunctionOptions(c: Config) {
  return {
    region: c.FUNCTIONS_REGION,
    memory: c.FUNCTIONS_MEMORY,
    cpu: c.FUNCTIONS_CPU,
    maxInstances: c.FUNCTIONS_MAX_INSTANCES,
  };
}

/**
 * processPayment's own options on top of the shared ones: its instance cap
 * (which the provider budget is divided by), the instances kept warm (a cold
 * start adds seconds to a payment a user waits on) and the requests one
 * instance serves at once. Calls beyond the provider socket cap wait for a
 * socket inside their attempt deadline.
 */
export function paymentFunctionOptions(c: Config) {
  return {
    maxInstances: c.PAYMENT_MAX_INSTANCES,
    minInstances: c.PAYMENT_MIN_INSTANCES,
    concurrency: c.PAYMENT_CONCURRENCY,
  };
}
