import type { ErrorCode } from '../api/index.js';
import { AppError } from '../resilience/appError.js';
import { configProblems, type ConfigProblem } from './configChecks.js';
import {
  CONFIG_VARIABLES,
  PROVIDER_URLS,
  schema,
  type Config,
  type ParsedConfig,
  type RawConfig,
} from './configSchema.js';
import { insecureEndpointProblems, mayPrintValue } from './endpoints.js';

/**
 * Parses and checks the configuration (its variables: configSchema.ts; their
 * cross-variable rules: configChecks.ts) and keeps the process-wide copy.
 */

/** Thrown when an environment variable is malformed; the message names the variable. */
export class ConfigError extends AppError<ErrorCode> {
  constructor(message: string, variables: string[]) {
    super('CONFIG_INVALID', message, { details: { variables } });
  }
}

/**
 * Parses configuration from an environment object. Empty strings count as unset
 * (so `.env` lines like `CLOUDWATCH_LOG_GROUP=` mean "off"). Plain-http
 * endpoints are refused unless loopback or FUNCTIONS_EMULATOR=true (endpoints.ts);
 * errors print a bad value only when it cannot hold a credential.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    CONFIG_VARIABLES.map((k) => [k, env[k] === undefined || env[k].trim() === '' ? undefined : env[k]]),
  );
  const result = schema.safeParse(present);
  if (result.success) {
    const c = withDefaults(result.data);
    refuse(insecureEndpointProblems(c, env.FUNCTIONS_EMULATOR === 'true'));
    return checkDeployFit(c);
  }
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const got = mayPrintValue(name) ? `, got ${JSON.stringify(present[name])}` : ' (value not shown)';
    return `${name} ${issue.message}${got}`;
  });
  const names = [...new Set(result.error.issues.map((i) => String(i.path[0])))];
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, names);
}

/**
 * The defaults that depend on other variables: the provider's URL, and replay
 * protection on wherever App Check is enforced unless APP_CHECK_CONSUME says
 * otherwise (so APP_CHECK_ENFORCE=false alone turns both off).
 */
function withDefaults(c: RawConfig): ParsedConfig {
  const urls = c.PAYMENT_SERVICE_URL ?? [PROVIDER_URLS[c.PAYMENT_PROVIDER]];
  if (c.PAYMENT_PROVIDER === 'stripe' && urls.length > 1) {
    throw new ConfigError(
      'Invalid configuration: PAYMENT_SERVICE_URL lists several endpoints, but Stripe has one API URL',
      ['PAYMENT_SERVICE_URL', 'PAYMENT_PROVIDER'],
    );
  }
  return { ...c, PAYMENT_SERVICE_URL: urls, APP_CHECK_CONSUME: c.APP_CHECK_CONSUME ?? c.APP_CHECK_ENFORCE };
}

/**
 * Settings that are each valid but do not fit together (configChecks.ts):
 * refused here, at cold start and at deploy discovery, naming the variables.
 */
function checkDeployFit(c: Config): Config {
  refuse(configProblems(c));
  return c;
}

/** Throws one ConfigError naming every variable of `problems`; returns when there are none. */
function refuse(problems: ConfigProblem[]): void {
  if (problems.length === 0) return;
  const names = [...new Set(problems.flatMap((p) => p.variables))];
  throw new ConfigError(`Invalid configuration: ${problems.map((p) => p.message).join('; ')}`, names);
}

let cached: Config | undefined;

/** The process-wide configuration, parsed from `process.env` on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
