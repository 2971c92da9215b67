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
import { parseArgs } from 'node:util';
import { apiKeyOf, cannotListen, closeOnSignals, failWith, portOf, secretFile, SERVER_OPTIONS } from '../shared/cli.ts';
import { startStripeFake } from './server.ts';

const fail = failWith('stripe fake');
const { values } = parseArgs({
  options: { ...SERVER_OPTIONS, 'webhook-url': { type: 'string' }, 'webhook-secret': { type: 'string' } },
});

const file = values['secret-file'];
const fromFile = secretFile(file, fail);
const apiKey = apiKeyOf(values['api-key'], file, fromFile, fail);
const webhookUrl = values['webhook-url'] ?? process.env.STRIPE_WEBHOOK_URL;
const webhookSecret =
  values['webhook-secret'] ?? process.env.STRIPE_WEBHOOK_SECRET ?? fromFile('STRIPE_WEBHOOK_SECRET');
if (webhookUrl && !webhookSecret)
  fail('--webhook-url needs a signing secret: --webhook-secret or STRIPE_WEBHOOK_SECRET.');

const port = portOf(values.port, process.env.STRIPE_FAKE_PORT, 12111, fail);
const fake = await startStripeFake({
  port,
  host: values.host,
  apiKey,
  ...(webhookUrl && webhookSecret ? { webhook: { url: webhookUrl, secret: webhookSecret } } : {}),
}).catch(cannotListen(values.host, port, fail));

process.stdout.write(`stripe fake listening on ${fake.url}${webhookUrl ? `, webhooks to ${webhookUrl}` : ''}\n`);
closeOnSignals(() => fake.close());
