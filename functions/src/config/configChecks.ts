import { endpointKey, type Config } from './configSchema.js';
import { EVENTARC_PUBLISH_MS, PAYMENT_LOOKUP_MS, RUN_RECONCILIATION_BUDGET_MS } from './timeBudgets.js';

/**
 * Cross-variable rules of the configuration: settings that are each valid but
 * do not fit together, and the numbers derived from several settings. Checked
 * when the config is parsed (config.ts), so deploy discovery refuses them
 * before anything is uploaded, rather than the platform cutting a payment off
 * in production.
 */

/** One rule a configuration breaks: what is wrong, in words, and the variables to change. */
export interface ConfigProblem {
  message: string;
  variables: (keyof Config)[];
}

/** The settings the provider socket cap is derived from. */
export type ProviderCapSettings = Pick<
  Config,
  'PAYMENT_PROVIDER_MAX_CONCURRENCY' | 'PAYMENT_MAX_INSTANCES' | 'VUE_APP_MAX_CONNECTIONS'
>;

/**
 * Most requests one `processPayment` instance may have in flight to the payment
 * provider (the provider pool's socket cap): its share of the fleet-wide
 * budget, `min(VUE_APP_MAX_CONNECTIONS, floor(PAYMENT_PROVIDER_MAX_CONCURRENCY
 * / PAYMENT_MAX_INSTANCES))`, so that PAYMENT_MAX_INSTANCES instances together
 * never exceed PAYMENT_PROVIDER_MAX_CONCURRENCY. A parsed Config never gives
 * 0 (parseConfig refuses such a combination); anything that sizes the provider
 * pool (adaptive sizing included) must stay at or below this number.
 */
export function providerSocketCap(c: ProviderCapSettings): number {
  return Math.min(c.VUE_APP_MAX_CONNECTIONS, Math.floor(c.PAYMENT_PROVIDER_MAX_CONCURRENCY / c.PAYMENT_MAX_INSTANCES));
}

/** Memory (MiB) Cloud Run allows with each whole vCPU count. */
const MEMORY_MIB_PER_CPU: Record<number, [min: number, max: number]> = {
  1: [128, 4096],
  2: [128, 8192],
  4: [2048, 16384],
  6: [4096, 24576],
  8: [4096, 32768],
};
const mebibytes = (size: string) => (size.endsWith('GiB') ? parseFloat(size) * 1024 : parseFloat(size));

/** With EVENTARC_CHANNEL, the end-of-call wait for the call's event publishes (each bounded by EVENTARC_PUBLISH_MS). */
const eventarcWait = (c: Config) =>
  c.EVENTARC_CHANNEL
    ? { ms: EVENTARC_PUBLISH_MS, text: ` + Eventarc publish (${EVENTARC_PUBLISH_MS})` }
    : { ms: 0, text: '' };

/** A payment (attempts, one lookup, the claim and the final ledger write, its events, then the log flush) must fit the callable. */
function paymentFit(c: Config): ConfigProblem | null {
  const timeoutMs = c.CALLABLE_TIMEOUT_SECONDS * 1000;
  const events = eventarcWait(c);
  const payment =
    c.PAYMENT_TOTAL_TIMEOUT_MS +
    PAYMENT_LOOKUP_MS +
    2 * c.VUE_APP_DATABASE_TIMEOUT +
    c.CLOUDWATCH_FLUSH_BUDGET_MS +
    events.ms;
  if (payment <= timeoutMs) return null;
  return {
    message:
      `the payment path's worst case, PAYMENT_TOTAL_TIMEOUT_MS (${c.PAYMENT_TOTAL_TIMEOUT_MS}) + provider lookup (${PAYMENT_LOOKUP_MS}) ` +
      `+ 2 × VUE_APP_DATABASE_TIMEOUT (2 × ${c.VUE_APP_DATABASE_TIMEOUT}) + CLOUDWATCH_FLUSH_BUDGET_MS (${c.CLOUDWATCH_FLUSH_BUDGET_MS})${events.text} ` +
      `= ${payment} ms, does not fit ${callableTimeout(c)}: raise CALLABLE_TIMEOUT_SECONDS or lower the others`,
    variables: [
      'CALLABLE_TIMEOUT_SECONDS',
      'PAYMENT_TOTAL_TIMEOUT_MS',
      'VUE_APP_DATABASE_TIMEOUT',
      'CLOUDWATCH_FLUSH_BUDGET_MS',
    ],
  };
}

/** runReconciliation (its pass, the ledger health query after it, its events, then the log flush) must fit the callable. */
function reconcileFit(c: Config): ConfigProblem | null {
  const events = eventarcWait(c);
  const reconcile =
    RUN_RECONCILIATION_BUDGET_MS + c.VUE_APP_DATABASE_TIMEOUT + c.CLOUDWATCH_FLUSH_BUDGET_MS + events.ms;
  if (reconcile <= c.CALLABLE_TIMEOUT_SECONDS * 1000) return null;
  return {
    message:
      `runReconciliation's worst case, its ${RUN_RECONCILIATION_BUDGET_MS} ms pass + VUE_APP_DATABASE_TIMEOUT (${c.VUE_APP_DATABASE_TIMEOUT}) ` +
      `+ CLOUDWATCH_FLUSH_BUDGET_MS (${c.CLOUDWATCH_FLUSH_BUDGET_MS})${events.text} = ${reconcile} ms, does not fit ${callableTimeout(c)}`,
    variables: ['CALLABLE_TIMEOUT_SECONDS', 'VUE_APP_DATABASE_TIMEOUT', 'CLOUDWATCH_FLUSH_BUDGET_MS'],
  };
}

const callableTimeout = (c: Config) =>
  `CALLABLE_TIMEOUT_SECONDS (${c.CALLABLE_TIMEOUT_SECONDS} s = ${c.CALLABLE_TIMEOUT_SECONDS * 1000} ms)`;

/** Warm payment instances within processPayment's own instance cap. */
function warmFit(c: Config): ConfigProblem | null {
  if (c.PAYMENT_MIN_INSTANCES <= c.PAYMENT_MAX_INSTANCES) return null;
  return {
    message: `PAYMENT_MIN_INSTANCES (${c.PAYMENT_MIN_INSTANCES}) exceeds PAYMENT_MAX_INSTANCES (${c.PAYMENT_MAX_INSTANCES})`,
    variables: ['PAYMENT_MIN_INSTANCES', 'PAYMENT_MAX_INSTANCES'],
  };
}

/** Every payment instance must get at least one provider socket out of the budget. */
function budgetFit(c: Config): ConfigProblem | null {
  if (providerSocketCap(c) > 0) return null;
  return {
    message:
      `PAYMENT_PROVIDER_MAX_CONCURRENCY (${c.PAYMENT_PROVIDER_MAX_CONCURRENCY}) shared by PAYMENT_MAX_INSTANCES (${c.PAYMENT_MAX_INSTANCES}) ` +
      `instances leaves each instance 0 provider sockets (floor(${c.PAYMENT_PROVIDER_MAX_CONCURRENCY} / ${c.PAYMENT_MAX_INSTANCES})): ` +
      'raise PAYMENT_PROVIDER_MAX_CONCURRENCY to at least PAYMENT_MAX_INSTANCES, or lower PAYMENT_MAX_INSTANCES',
    variables: ['PAYMENT_PROVIDER_MAX_CONCURRENCY', 'PAYMENT_MAX_INSTANCES'],
  };
}

/** Memory within what Cloud Run allows with the vCPU count. */
function memoryFit(c: Config): ConfigProblem | null {
  const [minMiB, maxMiB] = MEMORY_MIB_PER_CPU[c.FUNCTIONS_CPU]!;
  const memory = mebibytes(c.FUNCTIONS_MEMORY);
  if (memory >= minMiB && memory <= maxMiB) return null;
  return {
    message: `FUNCTIONS_MEMORY (${c.FUNCTIONS_MEMORY}) is outside ${minMiB}-${maxMiB} MiB, what Cloud Run allows with FUNCTIONS_CPU (${c.FUNCTIONS_CPU})`,
    variables: ['FUNCTIONS_MEMORY', 'FUNCTIONS_CPU'],
  };
}

/** Replay protection only acts on enforced App Check (access/appCheck.ts). */
function appCheckFit(c: Config): ConfigProblem | null {
  if (!c.APP_CHECK_CONSUME || c.APP_CHECK_ENFORCE) return null;
  return {
    message: 'APP_CHECK_CONSUME=true protects against replayed App Check tokens only when APP_CHECK_ENFORCE=true',
    variables: ['APP_CHECK_CONSUME', 'APP_CHECK_ENFORCE'],
  };
}

/**
 * Retired endpoints are the generic contract's (Stripe has one API URL) and
 * are retired: an endpoint both configured and retired would be charged and
 * looked up under two rules. Endpoint names only, never a URL, in the message.
 */
function retiredFit(c: Config): ConfigProblem | null {
  const retired = c.PAYMENT_RETIRED_URLS ?? [];
  if (retired.length === 0) return null;
  if (c.PAYMENT_PROVIDER === 'stripe') {
    return {
      message: 'PAYMENT_RETIRED_URLS applies to the generic provider only: Stripe has one API URL',
      variables: ['PAYMENT_RETIRED_URLS', 'PAYMENT_PROVIDER'],
    };
  }
  const active = new Set(c.PAYMENT_SERVICE_URL.map(endpointKey));
  const both = retired.filter((u) => active.has(endpointKey(u))).length;
  if (both === 0) return null;
  return {
    message: `PAYMENT_RETIRED_URLS lists ${both} endpoint(s) that PAYMENT_SERVICE_URL still lists: an endpoint is either in rotation or retired`,
    variables: ['PAYMENT_RETIRED_URLS', 'PAYMENT_SERVICE_URL'],
  };
}

/** Every cross-variable rule `c` breaks, in a stable order; empty when the settings fit together. */
export function configProblems(c: Config): ConfigProblem[] {
  return [paymentFit(c), reconcileFit(c), warmFit(c), budgetFit(c), appCheckFit(c), memoryFit(c), retiredFit(c)].filter(
    (p): p is ConfigProblem => p !== null,
  );
}
