/**
 * Runs the local CloudWatch Logs endpoint:
 *   node devtools/cloudwatch-local/main.ts [--port 4586] [--host 127.0.0.1]
 * Port defaults to $CLOUDWATCH_LOCAL_PORT, else 4586. Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startCloudWatchLocal } from './server.ts';

const DEFAULT_PORT = 4586;

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string' } },
  strict: true,
});

const rawPort = values.port ?? process.env.CLOUDWATCH_LOCAL_PORT ?? String(DEFAULT_PORT);
const port = Number(rawPort);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`cloudwatch-local: invalid port "${rawPort}"; pass --port <0-65535> or set CLOUDWATCH_LOCAL_PORT.`);
  process.exit(2);
}

try {
  const server = await startCloudWatchLocal({ port, host: values.host ?? '127.0.0.1' });
  console.log(`cloudwatch-local listening on ${server.url}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const code = (err as { code?: string }).code;
  const hint = code === 'EADDRINUSE' ? ` Port ${port} is already in use; pass another --port.` : '';
  console.error(`cloudwatch-local: could not start: ${(err as Error).message}.${hint}`);
  process.exit(1);
}
