import { z } from 'zod';
import { AppError } from './errors.js';

/**
 * Typed runtime configuration, parsed once from the environment at cold start.
 *
 * Every variable and its default is listed in README "Configuration". The
 * `VUE_APP_*` prefix (a Vue CLI convention) is part of these settings'
 * established names, kept even though they configure the backend. A malformed value
 * fails loudly with the variable's name; it never becomes NaN. The payment API
 * key is a secret and is NOT part of this object (see `secrets.ts`).
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

const schema = z.object({
  VUE_APP_PAYMENT_TIMEOUT: positiveInt('milliseconds').default(5000),
  VUE_APP_PAYMENT_RETRY_ATTEMPTS: positiveInt('attempts').default(3),
  PAYMENT_TOTAL_TIMEOUT_MS: positiveInt('milliseconds').default(25_000),
  PAYMENT_MAX_AMOUNT: positiveInt('major currency units').default(1_000_000),
  PAYMENT_SERVICE_URL: httpUrl.default('https://api.payment-service.com'),
  PAYMENT_SETTLE_MS: positiveInt('milliseconds').default(60_000),
  PAYMENT_IDEMPOTENCY_TTL_MS: positiveInt('milliseconds').default(86_400_000),
  RECONCILE_BUDGET_MS: positiveInt('milliseconds')
    .refine((n) => n <= 270_000, 'must leave room inside the 300 s schedule timeout (at most 270000)')
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
  CLOUDWATCH_LOG_GROUP: optionalText,
  CLOUDWATCH_LOG_STREAM: optionalText,
  CLOUDWATCH_ENDPOINT: httpUrl.optional(),
  CLOUDWATCH_FLUSH_BUDGET_MS: positiveInt('milliseconds').default(300),
  AWS_REGION: optionalText,
  // AWS credentials of the shipper (observability/awsCredentialsFromConfig.ts): with a role ARN,
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

/** The parsed configuration. */
export type Config = z.output<typeof schema>;

/** Names of every variable the config reads (documented in README "Configuration"). */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof Config)[];

/** Thrown when an environment variable is malformed; the message names the variable. */
export class ConfigError extends AppError {
  constructor(message: string, variables: string[]) {
    super('CONFIG_INVALID', message, { details: { variables } });
  }
}

/**
 * Parses configuration from an environment object. Empty strings count as unset
 * (so `.env` lines like `CLOUDWATCH_LOG_GROUP=` mean "off").
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    CONFIG_VARIABLES.map((k) => [k, env[k] === undefined || env[k].trim() === '' ? undefined : env[k]]),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    return `${name} ${issue.message}, got ${JSON.stringify(present[name])}`;
  });
  const names = [...new Set(result.error.issues.map((i) => String(i.path[0])))];
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, names);
}

let cached: Config | undefined;

/** The process-wide configuration, parsed from `process.env` on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
