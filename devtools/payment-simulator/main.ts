/**
 * CLI entry of the payment provider simulator, run directly by Node 24 (type stripping):
 *   node devtools/payment-simulator/main.ts [--port 8710] [--host 127.0.0.1]
 *        [--api-key KEY | --secret-file functions/.secret.local] [--tls --ca-out ca.pem]
 * --tls serves HTTPS with a CA and server certificate generated at start-up
 * (tls.ts); the CA is written to --ca-out for clients to trust.
 * The API key comes from --api-key, else env PAYMENT_API_KEY, else the PAYMENT_API_KEY
 * line of --secret-file. It is never printed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { apiKeyOf, cannotListen, closeOnSignals, failWith, portOf, secretFile, SERVER_OPTIONS } from '../shared/cli.ts';
import { startPaymentSimulator } from './server.ts';
import { generateTlsIdentity } from './tls.ts';

const fail = failWith('payment simulator');
const { values } = parseArgs({
  options: { ...SERVER_OPTIONS, tls: { type: 'boolean', default: false }, 'ca-out': { type: 'string' } },
});
if (values.tls && !values['ca-out']) fail('--tls needs --ca-out <file>: clients trust the generated CA from there.');

const port = portOf(values.port, process.env.PAYMENT_SIMULATOR_PORT, 8710, fail);
const identity = values.tls ? await generateTlsIdentity() : null;
if (identity && values['ca-out']) writeFileSync(values['ca-out'], identity.ca);
const file = values['secret-file'];
const simulator = await startPaymentSimulator({
  port,
  host: values.host,
  apiKey: apiKeyOf(values['api-key'], file, secretFile(file, fail), fail),
  ...(identity ? { tls: { cert: identity.cert, key: identity.key } } : {}),
}).catch(cannotListen(values.host, port, fail));

process.stdout.write(`payment simulator listening on ${simulator.url}\n`);
closeOnSignals(() => simulator.close());
