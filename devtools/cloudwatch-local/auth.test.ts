// Request authentication: which key signed, whether a session token came, and
// AWS's refusals for unknown, wrongly signed, token-less and expired keys, with the real SDK.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { sdkError, useCloudWatchLocal } from './testing.ts';

const f = useCloudWatchLocal();
const clients: CloudWatchLogsClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

/** A real SDK client signing with `credentials`. */
function clientWith(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  url = f.local.url,
): CloudWatchLogsClient {
  const c = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
}
const describeGroups = (c: CloudWatchLogsClient) => c.send(new DescribeLogGroupsCommand({ limit: 1 }));

const KEYS = { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'local-secret-key-1' };
const TEMP = {
  accessKeyId: 'ASIALOCALTEST0000001',
  secretAccessKey: 'temp-secret',
  sessionToken: 'temp-session-token',
};

describe('without known credentials', () => {
  it('accepts any signed request and logs its access key id and whether a session token came', async () => {
    await describeGroups(clientWith(KEYS));
    await describeGroups(clientWith(TEMP));
    expect(f.local.requests().map((r) => [r.status, r.accessKeyId, r.sessionToken])).toEqual([
      [200, KEYS.accessKeyId, false],
      [200, TEMP.accessKeyId, true],
    ]);
    const overHttp = (await (await fetch(`${f.local.url}/__control/requests`)).json()) as { requests: unknown[] };
    expect(overHttp.requests).toHaveLength(2);
    expect(JSON.stringify(overHttp)).not.toContain(TEMP.sessionToken);
    expect(JSON.stringify(overHttp)).not.toContain(TEMP.secretAccessKey);
  });
});

describe('with known credentials', () => {
  it('accepts the known key signed with its secret, refuses an unknown key and a wrong secret', async () => {
    f.local.setAuth({ credentials: [KEYS] });
    await expect(describeGroups(clientWith(KEYS))).resolves.toBeDefined();
    expect(await sdkError(describeGroups(clientWith({ ...KEYS, accessKeyId: 'AKIAOTHER' })))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 400,
    });
    expect(await sdkError(describeGroups(clientWith({ ...KEYS, secretAccessKey: 'wrong' })))).toMatchObject({
      name: 'InvalidSignatureException',
      status: 400,
    });
    expect(f.local.requests().map((r) => r.errorType)).toEqual([
      undefined,
      'UnrecognizedClientException',
      'InvalidSignatureException',
    ]);
  });

  it('checks a temporary key: its session token, its expiry, and requireSessionToken refuses long-term keys', async () => {
    f.local.setAuth({ credentials: [KEYS], requireSessionToken: true });
    f.local.allowCredentials({ ...TEMP, expiresAt: Date.now() + 60_000 });
    await expect(describeGroups(clientWith(TEMP))).resolves.toBeDefined();
    expect((await sdkError(describeGroups(clientWith(KEYS)))).name).toBe('UnrecognizedClientException');
    const wrongToken = clientWith({ ...TEMP, sessionToken: 'another-token' });
    expect((await sdkError(describeGroups(wrongToken))).name).toBe('UnrecognizedClientException');

    f.local.allowCredentials({ ...TEMP, expiresAt: Date.now() - 1 });
    expect(await sdkError(describeGroups(clientWith(TEMP)))).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
    });
  });

  it('reset() goes back to the settings given at start', async () => {
    f.local.setAuth({ credentials: [KEYS] });
    expect((await sdkError(describeGroups(clientWith(TEMP)))).name).toBe('UnrecognizedClientException');
    f.local.reset();
    await expect(describeGroups(clientWith(TEMP))).resolves.toBeDefined();
  });
});

describe('main.ts --secret-file', () => {
  it('accepts only the AWS key pair of the file, with its signature checked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cwlocal-'));
    const file = path.join(dir, '.secret.local');
    writeFileSync(
      file,
      `PAYMENT_API_KEY=x\nAWS_ACCESS_KEY_ID=${KEYS.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${KEYS.secretAccessKey}\n`,
    );
    const main = path.join(import.meta.dirname, 'main.ts');
    const child = spawn(process.execPath, [main, '--port', '0', '--secret-file', file], { stdio: 'pipe' });
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}`)));
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (m && output.includes('accepts 1 known key(s) only')) resolve(m[1]!);
        });
      });
      expect(output).not.toContain(KEYS.secretAccessKey);
      await expect(describeGroups(clientWith(KEYS, url))).resolves.toBeDefined();
      const wrong = await sdkError(describeGroups(clientWith({ ...KEYS, secretAccessKey: 'nope' }, url)));
      expect(wrong.name).toBe('InvalidSignatureException');
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
