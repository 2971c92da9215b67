/**
 * What the dev servers' command lines share (run directly by Node 24): the
 * common flags, failing with a message, the port, the API key and secrets from
 * flag / environment / dotenv file (never printed), and stopping on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { dotenvValue } from '../dotenv.ts';

/** Flags every dev server takes; spread into parseArgs' options. */
export const SERVER_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  'api-key': { type: 'string' },
  'secret-file': { type: 'string' },
} as const;

/** Ends the process with `message` on stderr. */
export type Fail = (message: string) => never;

/** A Fail that prefixes `name: ` and exits with status 1. */
export function failWith(name: string): Fail {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(1);
  };
}

/** The port from `flag`, else `envValue`, else `fallback`; fails on anything but 0..65535. */
export function portOf(flag: string | undefined, envValue: string | undefined, fallback: number, fail: Fail): number {
  const text = flag ?? envValue ?? String(fallback);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid port "${text}"; use 0..65535.`);
  return port;
}

/**
 * Values of the dotenv file `file` (--secret-file), read once on first use;
 * undefined for every name without a file. Fails when the file cannot be read.
 */
export function secretFile(file: string | undefined, fail: Fail): (name: string) => string | undefined {
  let text: string | undefined;
  return (name) => {
    if (file === undefined) return undefined;
    try {
      text ??= readFileSync(file, 'utf8');
    } catch (err) {
      fail(`cannot read --secret-file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    return dotenvValue(text, name);
  };
}

/** The API key from --api-key, else env PAYMENT_API_KEY, else the file's PAYMENT_API_KEY line; fails when none. */
export function apiKeyOf(
  flag: string | undefined,
  file: string | undefined,
  fromFile: (name: string) => string | undefined,
  fail: Fail,
): string {
  const key = (flag ?? process.env.PAYMENT_API_KEY) || fromFile('PAYMENT_API_KEY');
  if (key) return key;
  if (file === undefined) fail('no API key: set PAYMENT_API_KEY, pass --api-key, or --secret-file <dotenv file>.');
  return fail(`${file} has no PAYMENT_API_KEY=... line.`);
}

/** The failure of binding `host:port`, for a start-up promise's catch. */
export const cannotListen = (host: string, port: number, fail: Fail) => (err: unknown) =>
  fail(`cannot listen on ${host}:${port} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);

/** Closes the server once on the first SIGINT or SIGTERM, then exits 0. */
export function closeOnSignals(close: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void close().then(() => process.exit(0));
    });
  }
}
