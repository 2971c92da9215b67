/**
 * Runs the fake GCE metadata server and the fake STS together, for trying the
 * keyless CloudWatch credentials (AWS_ROLE_ARN) locally:
 *   node devtools/aws-fakes/main.ts [--metadata-port 8711] [--sts-port 8712] [--host 127.0.0.1]
 *                                   [--lifetime-ms <ms>] [--audience <aud>]
 * then set GCE_METADATA_HOST=127.0.0.1:8711 and AWS_STS_ENDPOINT=http://127.0.0.1:8712
 * for the functions. The STS trusts only tokens the metadata fake signed (and,
 * with --audience, only that audience). Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startGceMetadata } from './gceMetadata.ts';
import { startStsLocal } from './sts.ts';

const { values } = parseArgs({
  options: {
    'metadata-port': { type: 'string', default: '8711' },
    'sts-port': { type: 'string', default: '8712' },
    host: { type: 'string', default: '127.0.0.1' },
    'lifetime-ms': { type: 'string' },
    audience: { type: 'string' },
  },
  strict: true,
});

function number(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`aws-fakes: invalid --${name} "${raw}"; pass a whole number from ${min} to ${max}.`);
    process.exit(2);
  }
  return n;
}

const metadataPort = number('metadata-port', values['metadata-port'], 0, 65_535);
const stsPort = number('sts-port', values['sts-port'], 0, 65_535);
const lifetimeMs =
  values['lifetime-ms'] === undefined ? undefined : number('lifetime-ms', values['lifetime-ms'], 1, 43_200_000);

try {
  const metadata = await startGceMetadata({ port: metadataPort, host: values.host });
  const sts = await startStsLocal({
    port: stsPort,
    host: values.host,
    ...(lifetimeMs === undefined ? {} : { lifetimeMs }),
    trust: { issuerKey: metadata.publicKey, ...(values.audience ? { audience: values.audience } : {}) },
  });
  console.log(`gce-metadata listening on ${metadata.url} (GCE_METADATA_HOST=${metadata.host})`);
  console.log(`sts-local listening on ${sts.url} (AWS_STS_ENDPOINT=${sts.url})`);
  const stop = () => {
    void Promise.all([metadata.close(), sts.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const code = (err as { code?: string }).code;
  const hint = code === 'EADDRINUSE' ? ' A port is already in use; pass another --metadata-port / --sts-port.' : '';
  console.error(`aws-fakes: could not start: ${(err as Error).message}.${hint}`);
  process.exit(1);
}
