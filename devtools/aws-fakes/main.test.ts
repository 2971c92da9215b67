// The command-line entry point: both fakes start, print where they listen, and work together.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDENTITY_PATH } from './gceMetadata.ts';

describe('main.ts', () => {
  it('starts the metadata fake and an STS that accepts its tokens, on the ports given', async () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const child = spawn(process.execPath, [main, '--metadata-port', '0', '--sts-port', '0'], { stdio: 'pipe' });
    try {
      let output = '';
      const [metadataUrl, stsUrl] = await new Promise<[string, string]>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}`)));
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const md = /gce-metadata listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          const sts = /sts-local listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (md && sts) resolve([md[1]!, sts[1]!]);
        });
      });
      const token = await (
        await fetch(`${metadataUrl}${IDENTITY_PATH}?audience=a`, { headers: { 'Metadata-Flavor': 'Google' } })
      ).text();
      const res = await fetch(`${stsUrl}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRoleWithWebIdentity',
          Version: '2011-06-15',
          RoleArn: 'arn:aws:iam::123456789012:role/local',
          RoleSessionName: 'cli-test',
          WebIdentityToken: token,
        }).toString(),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<AccessKeyId>ASIA[A-Z2-7]{16}<\/AccessKeyId>/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a bad port with a message naming the option', async () => {
    const main = path.join(import.meta.dirname, 'main.ts');
    const child = spawn(process.execPath, [main, '--sts-port', 'abc'], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('invalid --sts-port "abc"');
  });
});
