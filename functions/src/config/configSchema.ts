import { z } from 'zod';
import { SCHEDULE_TIMEOUT_SECONDS } from './timeBudgets.js';

/**
 * Typed runtime configuration, parsed once from the environment at cold start.
 *
 * Every variable and its default is listed in docs/configuration.md (checked by configDocs.test.ts). The
 * `VUE_APP_*` prefix (a Vue CLI convention) is part of these settings'
 * established names, kept even though they configure the backend. A malformed value
 * fails loudly with the variable's name; it never becomes NaN. The payment API
 * key is a secret and is NOT part of this object (see `secrets.ts`).
 *
 * The same parse runs at deploy discovery: `firebase deploy` loads
 * functions/.env and .env.<projectId> (never .env.local) into the process that
 * loads this code to list the functions, and each function's options (region,
 * memory, cpu, instances, timeout) are read when it is defined. Plain variables
 * are used rather than firebase-functions params (`defineInt`, ...) because
 * params reach discovery as placeholders resolved by the CLI afterwards: the
 * cross-variable checks (configChecks.ts: the payment path must fit the callable timeout)
 * could then only run at cold start, after a bad setting was already deployed.
 */
const positiveInt = (unit: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a positive whole number (${unit})`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n > 0, `must be a positive whole number (${unit})`);

const boolFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be an http(s) URL');

const optionalText = z.string().trim().min(1).optional();

/** host and path of a base URL (an endpoint's name in stats and ledger records). */
export const endpointKey = (u: string) =>
  URL.canParse(u) ? new URL(u).host + new URL(u).pathname.replace(/\/+$/, '') : u;

/**
 * One base URL or several of the same provider, comma-separated. No
 * credentials in a URL: endpoint names (host and path) appear in stats, logs
 * and ledger records.
 */
const urlList = z
  .string()
  .transform((v) => v.split(',').map((u) => u.trim()))
  .refine(
    (urls) => urls.every((u) => /^https?:\/\/[^\s]+$/.test(u) && URL.canParse(u)),
    'must be http(s) URLs, comma-separated',
  )
  .refine(
    (urls) =>
      urls.every((u) => {
        if (!URL.canParse(u)) return true;
        const url = new URL(u);
        return url.username === '' && url.password === '' && url.search === '';
      }),
    'must not carry credentials or a query',
  )
  .refine((urls) => new Set(urls.map(endpointKey)).size === urls.length, 'must not list the same endpoint twice');

const wholeNumber = (unit: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number, 0 or more (${unit})`)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), `must be a whole number, 0 or more (${unit})`);

/** Memory sizes of a 2nd-gen function (firebase-functions' MemoryOption), smallest first. */
export const FUNCTION_MEMORY_SIZES = [
  '128MiB',
  '256MiB',
  '512MiB',
  '1GiB',
  '2GiB',
  '4GiB',
  '8GiB',
  '16GiB',
  '32GiB',
] as const;

/**
 * Whole vCPUs only: below 1 vCPU Cloud Run forces a concurrency of 1, so every
 * instance would serve one call at a time and its pools would sit idle.
 */
const FUNCTION_CPUS = ['1', '2', '4', '6', '8'] as const;

/** The variables, their rules and defaults. */
export const schema = z.object({
  // Deploy settings: also read by deploy discovery, which records them as the functions' options.
  FUNCTIONS_REGION: z
    .string()
    .trim()
    .regex(/^[a-z]+(-[a-z]+)+\d+$/, 'must be a Cloud Functions region such as us-central1 or europe-west1')
    .default('us-central1'),
  FUNCTIONS_MEMORY: z
    .string()
    .trim()
    .pipe(z.enum(FUNCTION_MEMORY_SIZES, { error: `must be one of ${FUNCTION_MEMORY_SIZES.join(', ')}` }))
    .default('256MiB'),
  FUNCTIONS_CPU: z
    .string()
    .trim()
    .pipe(z.enum(FUNCTION_CPUS, { error: `must be one of ${FUNCTION_CPUS.join(', ')} (whole vCPUs)` }))
    .transform(Number)
    .default(1),
  FUNCTIONS_MAX_INSTANCES: positiveInt('instances').default(10),
  PAYMENT_MAX_INSTANCES: positiveInt('instances').default(10),
  PAYMENT_MIN_INSTANCES: wholeNumber('instances').default(0),
  PAYMENT_CONCURRENCY: positiveInt('requests per instance')
    .refine((n) => n <= 1000, 'must be at most 1000, the highest concurrency Cloud Run allows')
    .default(80),
  CALLABLE_TIMEOUT_SECONDS: positiveInt('seconds')
    .refine((n) => n <= 3600, 'must be at most 3600, the longest timeout of a callable')
    .default(60),
  VUE_APP_PAYMENT_TIMEOUT: positiveInt('milliseconds').default(5000),
  VUE_APP_PAYMENT_RETRY_ATTEMPTS: positiveInt('attempts').default(3),
  PAYMENT_TOTAL_TIMEOUT_MS: positiveInt('milliseconds').default(25_000),
  PAYMENT_MAX_AMOUNT: positiveInt('major currency units').default(1_000_000),
  // Checked against the provider's own list when the payment handler is built (payments/paymentHandler.ts).
  PAYMENT_CURRENCIES: z
    .string()
    .transform((v) => [...new Set(v.split(',').map((c) => c.trim().toUpperCase()))])
    .refine(
      (codes) => codes.every((c) => /^[A-Z]{3}$/.test(c)),
      'must be ISO 4217 codes, comma-separated, e.g. USD,EUR,JPY',
    )
    .optional(),
  PAYMENT_PROVIDER: z
    .string()
    .trim()
    .pipe(z.enum(['generic', 'stripe'], { error: 'must be generic or stripe' }))
    .default('generic'),
  // Fleet-wide cap on requests in flight to the provider; each payment instance gets an equal share (configChecks.ts).
  PAYMENT_PROVIDER_MAX_CONCURRENCY: positiveInt('requests in flight').default(100),
  PAYMENT_SERVICE_URL: urlList.optional(),
  // Endpoints removed from PAYMENT_SERVICE_URL: lookups of the payments pinned to them, never a charge.
  PAYMENT_RETIRED_URLS: urlList.optional(),
  PAYMENT_ENDPOINTS_SHARE_KEYS: boolFlag.default(false),
  PAYMENT_ENDPOINT_EJECT_AFTER: positiveInt('failures in a row').default(3),
  PAYMENT_ENDPOINT_EJECT_MS: positiveInt('milliseconds').default(30_000),
  ADAPTIVE_LIMITS: boolFlag.default(true),
  PAYMENT_LIMIT_MIN: positiveInt('requests').default(2),
  QUERY_LIMIT_MIN: positiveInt('queries').default(2),
  STRIPE_TEST_PAYMENT_METHOD: z
    .string()
    .trim()
    .regex(/^pm_[A-Za-z0-9_]{1,255}$/, 'must be a Stripe test PaymentMethod id such as pm_card_visa')
    .optional(),
  PAYMENT_SETTLE_MS: positiveInt('milliseconds').default(60_000),
  // Age after which reconciliation cancels a payment waiting for the customer (payments/reconcileRecord.ts).
  PAYMENT_ACTION_TIMEOUT_MS: positiveInt('milliseconds').default(3_600_000),
  PAYMENT_USER_RATE_PER_MIN: positiveInt('payments per minute').default(30),
  PAYMENT_USER_BURST: positiveInt('payments').default(10),
  PAYMENT_USER_MAX_IN_FLIGHT: positiveInt('payments').default(3),
  PAYMENT_IDEMPOTENCY_TTL_MS: positiveInt('milliseconds').default(86_400_000),
  // App Check on every callable (access/appCheck.ts); on in the emulator too, which accepts unsigned development tokens.
  APP_CHECK_ENFORCE: boolFlag.default(true),
  // Replay protection on the money-moving callables; unset, it follows APP_CHECK_ENFORCE (config.ts).
  APP_CHECK_CONSUME: boolFlag.optional(),
  RECONCILE_BUDGET_MS: positiveInt('milliseconds')
    .refine(
      (n) => n <= SCHEDULE_TIMEOUT_SECONDS * 900,
      `must leave room inside the ${SCHEDULE_TIMEOUT_SECONDS} s schedule timeout (at most ${SCHEDULE_TIMEOUT_SECONDS * 900})`,
    )
    .default(240_000),
  VUE_APP_MAX_CONNECTIONS: positiveInt('connections').default(10),
  VUE_APP_CONNECTION_TIMEOUT: positiveInt('milliseconds').default(30_000),
  VUE_APP_DATABASE_TIMEOUT: positiveInt('milliseconds').default(10_000),
  VUE_APP_DATABASE_RETRY_ATTEMPTS: positiveInt('attempts').default(3),
  VUE_APP_CLOUDWATCH_TIMEOUT: positiveInt('milliseconds').default(10_000),
  VUE_APP_CLOUDWATCH_RETRY_ATTEMPTS: positiveInt('attempts').default(3),
  VUE_APP_CLOUDWATCH_RETRY_DELAY: positiveInt('milliseconds').default(1000),
  VUE_APP_ENABLE_METRICS: boolFlag.default(true),
  VUE_APP_METRICS_INTERVAL: positiveInt('milliseconds').default(60_000),
  CIRCUIT_FAILURE_THRESHOLD: positiveInt('percent')
    .refine((n) => n <= 100, 'must be a percentage from 1 to 100')
    .default(50),
  CIRCUIT_MIN_CALLS: positiveInt('calls').default(5),
  CIRCUIT_WINDOW_MS: positiveInt('milliseconds').default(10_000),
  CIRCUIT_OPEN_MS: positiveInt('milliseconds').default(30_000),
  CIRCUIT_HALF_OPEN_PROBES: positiveInt('probes').default(1),
  HEALTH_CACHE_MS: positiveInt('milliseconds')
    .refine((n) => n >= 1000 && n <= 60_000, 'must be from 1000 to 60000 ms')
    .default(5000),
  // Events for other systems (events/): unset publishes nothing. The forms firebase-admin's channel() takes.
  EVENTARC_CHANNEL: z
    .string()
    .trim()
    .regex(
      /^(?:(?:projects\/[^/\s]+\/)?locations\/[^/\s]+\/channels\/)?[^/\s]+$/,
      'must be an Eventarc channel: an id (firebase), locations/<region>/channels/<id> or projects/<project>/locations/<region>/channels/<id>',
    )
    .optional(),
  CLOUDWATCH_LOG_GROUP: optionalText,
  CLOUDWATCH_LOG_STREAM: optionalText,
  CLOUDWATCH_ENDPOINT: httpUrl.optional(),
  CLOUDWATCH_FLUSH_BUDGET_MS: positiveInt('milliseconds').default(300),
  AWS_REGION: optionalText,
  // AWS credentials of the shipper (observability/aws/awsCredentialsFromConfig.ts): with a role ARN,
  // keyless (Google ID token -> STS); without, the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY secrets.
  AWS_ROLE_ARN: z
    .string()
    .trim()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN such as arn:aws:iam::123456789012:role/payments-cloudwatch',
    )
    .optional(),
  AWS_WEB_IDENTITY_AUDIENCE: optionalText,
  AWS_ROLE_SESSION_SECONDS: positiveInt('seconds')
    .refine((n) => n >= 900 && n <= 43_200, 'must be from 900 to 43200 seconds (the STS session limits)')
    .default(3600),
  AWS_STS_ENDPOINT: httpUrl.optional(),
  GCE_METADATA_HOST: z
    .string()
    .trim()
    .regex(
      /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/,
      'must be a host or host:port such as metadata.google.internal or 127.0.0.1:8711',
    )
    .default('metadata.google.internal'),
});

/** The variables as the schema parses them, before the provider and App Check defaults are filled in. */
export type RawConfig = z.output<typeof schema>;

/** Default base URL of each provider, when PAYMENT_SERVICE_URL is not set. */
export const PROVIDER_URLS = { generic: 'https://api.payment-service.com', stripe: 'https://api.stripe.com' } as const;

/**
 * The parsed configuration, with the provider's default URL filled in (a list
 * of one or more base URLs) and APP_CHECK_CONSUME decided.
 */
export type ParsedConfig = Omit<RawConfig, 'PAYMENT_SERVICE_URL' | 'APP_CHECK_CONSUME'> & {
  PAYMENT_SERVICE_URL: string[];
  APP_CHECK_CONSUME: boolean;
};

/** The parsed configuration (see ParsedConfig). */
export type Config = ParsedConfig;

/** Names of every variable the config reads (documented in docs/configuration.md). */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof Config)[];
