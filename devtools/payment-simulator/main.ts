/**
 * CLI entry of the payment provider simulator, run directly by Node 24 (type stripping):
 *   node devtools/payment-simulator/main.ts [--port 8710] [--host 127.0.0.1]
 *        [--api-key KEY | --secret-file functions/.secret.local] [--tls --ca-out ca.pem]
 * --tls serves HTTPS with a CA and server certificate generated at start-up
 * (tls.ts); the CA is written to --ca-out for clients to trust.
 * The API key comes from --api-key, else env PAYMENT_API_KEY, else the PAYMENT_API_KEY
 * line of --secret-file. It is never printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dotenvValue } from '../dotenv.ts';
import { startPaymentSimulator } from './server.ts';
import { generateTlsIdentity } from './tls.ts';

const DEFAULT_PORT = 8710;
const KEY_NAME = 'PAYMENT_API_KEY';

function fail(message: string): never {
  process.stderr.write(`payment simulator: ${message}\n`);
  process.exit(1);
}

function resolveApiKey(flag: string | undefined, secretFile: string | undefined): string {
  const direct = flag ?? process.env[KEY_NAME];
  if (direct) return direct;
  if (secretFile === undefined) fail(`no API key: set ${KEY_NAME}, pass --api-key, or --secret-file <dotenv file>.`);
  let text: string;
  try {
    text = readFileSync(secretFile, 'utf8');
  } catch (err) {
    fail(`cannot read --secret-file ${secretFile} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const key = dotenvValue(text, KEY_NAME);
  if (!key) fail(`${secretFile} has no ${KEY_NAME}=... line.`);
  return key;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'secret-file': { type: 'string' },
    tls: { type: 'boolean', default: false },
    'ca-out': { type: 'string' },
  },
});
if (values.tls && !values['ca-out']) fail('--tls needs --ca-out <file>: clients trust the generated CA from there.');

const portText = values.port ?? process.env.PAYMENT_SIMULATOR_PORT ?? String(DEFAULT_PORT);
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid port "${portText}"; use 0..65535.`);

const identity = values.tls ? await generateTlsIdentity() : null;
if (identity && values['ca-out']) writeFileSync(values['ca-out'], identity.ca);
const simulator = await startPaymentSimulator({
  port,
  host: values.host,
  apiKey: resolveApiKey(values['api-key'], values['secret-file']),
  ...(identity ? { tls: { cert: identity.cert, key: identity.key } } : {}),
}).catch((err: unknown) =>
  fail(`cannot listen on ${values.host}:${port} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`),
);

process.stdout.write(`payment simulator listening on ${simulator.url}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void simulator.close().then(() => process.exit(0));
  });
}
