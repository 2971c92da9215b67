/**
 * Runs the local CloudWatch Logs endpoint:
 *   node devtools/cloudwatch-local/main.ts [--port 4586] [--host 127.0.0.1]
 *        [--secret-file functions/.secret.local] [--access-key-id ID]... [--require-session-token]
 * Port defaults to $CLOUDWATCH_LOCAL_PORT, else 4586. Without key options any
 * SigV4-signed request passes (the request log still names its access key id).
 * --secret-file accepts only the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of
 * that dotenv file and verifies signatures with the secret (never printed);
 * --access-key-id accepts a key id without checking its signature;
 * --require-session-token refuses requests without temporary credentials.
 * Stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCloudWatchLocal, type KnownCredentials } from './server.ts';

const DEFAULT_PORT = 4586;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'secret-file': { type: 'string' },
    'access-key-id': { type: 'string', multiple: true },
    'require-session-token': { type: 'boolean' },
  },
  strict: true,
});

function fail(message: string, code = 2): never {
  console.error(`cloudwatch-local: ${message}`);
  process.exit(code);
}

/** The AWS key pair of a dotenv file (functions/.secret.local). */
function keysFromFile(file: string): KnownCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot read --secret-file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  const read = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1]?.trim();
  const accessKeyId = read('AWS_ACCESS_KEY_ID');
  const secretAccessKey = read('AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId || !secretAccessKey)
    fail(`${file} has no AWS_ACCESS_KEY_ID=... and AWS_SECRET_ACCESS_KEY=... lines.`);
  return { accessKeyId, secretAccessKey };
}

const rawPort = values.port ?? process.env.CLOUDWATCH_LOCAL_PORT ?? String(DEFAULT_PORT);
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  fail(`invalid port "${rawPort}"; pass --port <0-65535> or set CLOUDWATCH_LOCAL_PORT.`);
}
const credentials: KnownCredentials[] = [
  ...(values['secret-file'] ? [keysFromFile(values['secret-file'])] : []),
  ...(values['access-key-id'] ?? []).map((accessKeyId) => ({ accessKeyId })),
];

try {
  const server = await startCloudWatchLocal({
    port,
    host: values.host ?? '127.0.0.1',
    auth: { credentials, requireSessionToken: values['require-session-token'] === true },
  });
  console.log(`cloudwatch-local listening on ${server.url}`);
  if (credentials.length > 0) console.log(`cloudwatch-local accepts ${credentials.length} known key(s) only`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const code = (err as { code?: string }).code;
  const hint = code === 'EADDRINUSE' ? ` Port ${port} is already in use; pass another --port.` : '';
  fail(`could not start: ${(err as Error).message}.${hint}`, 1);
}
