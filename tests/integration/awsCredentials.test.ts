// AWS credentials of the CloudWatch shipper as deployed: in the emulator the functions
// sign with the AWS key from functions/.secret.local (a secret, not an env file), and
// deploy discovery asks for the AWS key secrets only when shipping uses keys.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, type Session } from './client.js';

const CW_URL = 'http://127.0.0.1:4586';
const ROOT = new URL('../../', import.meta.url).pathname;
const secretFile = readFileSync(join(ROOT, 'functions/.secret.local'), 'utf8');
const secret = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(secretFile)?.[1]?.trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SeenRequest {
  action: string;
  status: number;
  accessKeyId?: string;
  sessionToken?: boolean;
}
async function cloudwatchRequests(): Promise<SeenRequest[]> {
  const res = await fetch(`${CW_URL}/__control/requests`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { requests: SeenRequest[] }).requests;
}

describe('the emulated functions sign CloudWatch requests with the AWS key secret', () => {
  let user: Session;
  beforeAll(async () => {
    user = await session('new');
  });
  afterAll(() => user?.close());

  it('uses AWS_ACCESS_KEY_ID of functions/.secret.local, which the committed env files do not hold', async () => {
    const keyId = secret('AWS_ACCESS_KEY_ID');
    expect(keyId, 'ensureDevSecret writes a development key when .env.local ships to CloudWatch').toBeTruthy();
    expect(secret('AWS_SECRET_ACCESS_KEY')).toBeTruthy();
    for (const file of ['functions/.env', 'functions/.env.local']) {
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY)=/m);
    }
    const before = (await cloudwatchRequests()).length;
    await user.call('processPayment', { amount: 2.5, paymentMethod: 'credit_card' });
    let puts: SeenRequest[] = [];
    for (let i = 0; i < 20 && puts.length === 0; i++) {
      puts = (await cloudwatchRequests()).slice(before).filter((r) => r.action === 'PutLogEvents');
      if (puts.length === 0) await sleep(250);
    }
    expect(puts.length).toBeGreaterThan(0);
    for (const r of puts) expect(r).toMatchObject({ accessKeyId: keyId, sessionToken: false });
  });
});

/** What firebase-functions discovery writes to FUNCTIONS_MANIFEST_OUTPUT_PATH. */
interface Manifest {
  params?: { type: string; name: string }[];
  endpoints: Record<string, { secretEnvironmentVariables?: { key: string }[] }>;
}

describe('deploy discovery and the AWS secrets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aws-discovery-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs discovery of the built functions/ (npm test builds it first) with only `env`. */
  function discover(name: string, env: Record<string, string>): Manifest {
    const out = join(dir, `${name}.json`);
    const res = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/firebase-functions/lib/bin/firebase-functions.js'), join(ROOT, 'functions')],
      {
        cwd: join(ROOT, 'functions'),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GCLOUD_PROJECT: 'demo-payments',
          FUNCTIONS_MANIFEST_OUTPUT_PATH: out,
          ...env,
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    return JSON.parse(readFileSync(out, 'utf8')) as Manifest;
  }
  const secretParams = (m: Manifest) => (m.params ?? []).filter((p) => p.type === 'secret').map((p) => p.name);
  const declaredAws = (m: Manifest) =>
    Object.values(m.endpoints).flatMap((e) =>
      (e.secretEnvironmentVariables ?? []).map((s) => s.key).filter((k) => k.startsWith('AWS_')),
    );
  const SHIPPING = { CLOUDWATCH_LOG_GROUP: '/payments', AWS_REGION: 'eu-west-1' };

  it('without CloudWatch: only PAYMENT_API_KEY and SEAL_KEY, so such a deploy needs no AWS secret', () => {
    const m = discover('none', {});
    expect(secretParams(m)).toEqual(['PAYMENT_API_KEY', 'SEAL_KEY']);
    expect(declaredAws(m)).toEqual([]);
  });

  it('CloudWatch with AWS_ROLE_ARN (keyless): no AWS secret either', () => {
    const m = discover('role', { ...SHIPPING, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/payments-cloudwatch' });
    expect(secretParams(m)).toEqual(['PAYMENT_API_KEY', 'SEAL_KEY']);
    expect(declaredAws(m)).toEqual([]);
  });

  it('CloudWatch with keys: the deploy asks for AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', () => {
    const m = discover('keys', SHIPPING);
    expect(secretParams(m)).toEqual(['PAYMENT_API_KEY', 'SEAL_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  });
});
