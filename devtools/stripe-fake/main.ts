/**
 * CLI entry of the Stripe fake, run directly by Node 24 (type stripping):
 *   node devtools/stripe-fake/main.ts [--port 12111] [--host 127.0.0.1]
 *        [--api-key sk_test_... | --secret-file functions/.secret.local]
 *        [--webhook-url http://127.0.0.1:5001/.../stripeWebhook --webhook-secret whsec_...]
 * The API key comes from --api-key, else env PAYMENT_API_KEY, else the
 * PAYMENT_API_KEY line of --secret-file; the webhook secret from
 * --webhook-secret, else env STRIPE_WEBHOOK_SECRET, else the
 * STRIPE_WEBHOOK_SECRET line of --secret-file. Neither is ever printed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dotenvValue } from '../dotenv.ts';
import { startStripeFake } from './server.ts';

const DEFAULT_PORT = 12111;

function fail(message: string): never {
  process.stderr.write(`stripe fake: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'secret-file': { type: 'string' },
    'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
});

let secretText: string | undefined;
function fromSecretFile(name: string): string | undefined {
  const file = values['secret-file'];
  if (file === undefined) return undefined;
  try {
    secretText ??= readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read --secret-file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return dotenvValue(secretText, name);
}

const apiKey = values['api-key'] ?? process.env.PAYMENT_API_KEY ?? fromSecretFile('PAYMENT_API_KEY');
if (!apiKey) fail('no API key: set PAYMENT_API_KEY, pass --api-key, or --secret-file <dotenv file>.');
const webhookUrl = values['webhook-url'] ?? process.env.STRIPE_WEBHOOK_URL;
const webhookSecret =
  values['webhook-secret'] ?? process.env.STRIPE_WEBHOOK_SECRET ?? fromSecretFile('STRIPE_WEBHOOK_SECRET');
if (webhookUrl && !webhookSecret)
  fail('--webhook-url needs a signing secret: --webhook-secret or STRIPE_WEBHOOK_SECRET.');

const portText = values.port ?? process.env.STRIPE_FAKE_PORT ?? String(DEFAULT_PORT);
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid port "${portText}"; use 0..65535.`);

const fake = await startStripeFake({
  port,
  host: values.host,
  apiKey,
  ...(webhookUrl && webhookSecret ? { webhook: { url: webhookUrl, secret: webhookSecret } } : {}),
}).catch((err: unknown) =>
  fail(`cannot listen on ${values.host}:${port} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`),
);

process.stdout.write(`stripe fake listening on ${fake.url}${webhookUrl ? `, webhooks to ${webhookUrl}` : ''}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void fake.close().then(() => process.exit(0));
  });
}
