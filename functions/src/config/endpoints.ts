import type { ConfigProblem } from './configChecks.js';
import type { Config } from './configSchema.js';

/**
 * The endpoint variables: base URLs the functions send requests (and signed
 * AWS calls) to. Plain `http://` is allowed only to a loopback host or inside
 * the emulator: anywhere else a request would cross a network in clear text.
 * Their values are never printed in configuration errors: a mistyped URL may
 * carry credentials (`https://user:pass@host`).
 */
export const ENDPOINT_VARIABLES = [
  'PAYMENT_SERVICE_URL',
  'PAYMENT_RETIRED_URLS',
  'CLOUDWATCH_ENDPOINT',
  'AWS_STS_ENDPOINT',
] as const;

/** True for localhost names, 127.0.0.0/8 and ::1 (a URL's `hostname`, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * Whether a configuration error may print `variable`'s value: never for the
 * endpoint URLs, nor for anything named like a key, secret, token or password.
 */
export function mayPrintValue(variable: string): boolean {
  if ((ENDPOINT_VARIABLES as readonly string[]).includes(variable)) return false;
  return !/KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i.test(variable);
}

/**
 * The endpoint variables that send plain http to a non-loopback host, as one
 * problem each; none when `emulator` (FUNCTIONS_EMULATOR=true) is set.
 */
export function insecureEndpointProblems(c: Config, emulator: boolean): ConfigProblem[] {
  if (emulator) return [];
  return ENDPOINT_VARIABLES.flatMap((variable) => {
    const value = c[variable];
    const urls = value === undefined ? [] : Array.isArray(value) ? value : [value];
    const insecure = urls.some((u) => {
      const url = new URL(u);
      return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
    });
    if (!insecure) return [];
    return [
      {
        message: `${variable} uses http:// to a host that is not loopback (localhost, 127.0.0.0/8, ::1): use https:// (plain http is allowed only in the emulator)`,
        variables: [variable],
      },
    ];
  });
}
