// Deploy settings reach deploy discovery: functions/ loaded alone with production
// dependencies and only the env files `firebase deploy` reads (.env and
// .env.<projectId>; never .env.local or .secret.local) lists every function with
// the region, memory, cpu, instances, timeout and secrets those files configure.
// Also: the stats snapshots carry the Timestamp field the TTL policy of docs/deploy.md names.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHostingDeployConfig } from '../../scripts/deploy-hosting.mjs';
import { adminDb } from './admin.js';
import { runDiscovery } from './discovery.js';
import { USERS, session } from './client.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FUNCTIONS = join(ROOT, 'functions');
const PROJECT = 'prod-payments';
const FUNCTION_NAMES = [
  'cancelPayment',
  'getConnectionPoolStats',
  'getDatabasePoolStatus',
  'getIncidentTimeline',
  'getPayment',
  'health',
  'listPayments',
  'processPayment',
  'reconcilePayments',
  'refundPayment',
  'resetCircuitBreakers',
  'runReconciliation',
];

/** What firebase-functions discovery writes to FUNCTIONS_MANIFEST_OUTPUT_PATH (the parts checked). */
interface Endpoint {
  region: string[];
  availableMemoryMb: number;
  cpu: number;
  minInstances: number | null;
  maxInstances: number;
  concurrency?: number | null;
  timeoutSeconds: number;
  secretEnvironmentVariables?: { key: string }[];
  callableTrigger?: object;
  httpsTrigger?: { invoker?: string[] };
  scheduleTrigger?: { schedule: string };
}
interface Manifest {
  endpoints: Record<string, Endpoint>;
}
/** firebase-tools' own env-file loader, the one `firebase deploy` calls before discovery. */
interface FunctionsEnv {
  loadUserEnvs(opts: { functionsSource: string; projectId: string; projectDir: string }): Record<string, string>;
}
const functionsEnv = createRequire(import.meta.url)('firebase-tools/lib/functions/env.js') as FunctionsEnv;

/**
 * Production dependencies of functions/, installed once per package.json content
 * under .cache/ and reused by later runs (delete .cache/deploy-functions to force
 * a fresh install). Returns the node_modules folder.
 */
function productionModules(): string {
  const pkg = readFileSync(join(FUNCTIONS, 'package.json'));
  const dir = join(ROOT, '.cache', 'deploy-functions', createHash('sha256').update(pkg).digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules');
  // Installed beside, then renamed: an interrupted install never looks complete.
  const staging = `${dir}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), pkg);
  const res = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: staging,
    stdio: 'inherit',
    timeout: 600_000,
  });
  if (res.status !== 0) throw new Error(`npm install --omit=dev of functions/package.json failed (${res.status})`);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another run finished first
  }
  return join(dir, 'node_modules');
}

let modules: string;
const dirs: string[] = [];

/**
 * Copies functions/ as deploy uploads it (package.json, lib, .env) plus the given
 * extra files into a temp dir, loads the env files as `firebase deploy` does and
 * runs discovery there.
 */
function discover(extraFiles: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'functions-deploy-config-'));
  dirs.push(dir);
  for (const f of ['package.json', 'lib', '.env']) cpSync(join(FUNCTIONS, f), join(dir, f), { recursive: true });
  symlinkSync(modules, join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  const userEnvs = functionsEnv.loadUserEnvs({ functionsSource: dir, projectId: PROJECT, projectDir: dir });
  const { manifest, ...res } = runDiscovery<Manifest>(dir, {
    ...userEnvs,
    FIREBASE_CONFIG: JSON.stringify({ projectId: PROJECT }),
    GCLOUD_PROJECT: PROJECT,
  });
  return { ...res, userEnvs, endpoints: manifest?.endpoints ?? {} };
}

/** "256MiB" / "1GiB" as the manifest's availableMemoryMb. */
const mebibytes = (size: string) => (size.endsWith('GiB') ? Number.parseFloat(size) * 1024 : Number.parseFloat(size));

/** The functions that call the payment provider, the only ones that mount PAYMENT_API_KEY. */
const PROVIDER_FUNCTIONS = [
  'cancelPayment',
  'health',
  'processPayment',
  'reconcilePayments',
  'refundPayment',
  'runReconciliation',
];
/** The functions that seal or open sealed reads, the only ones that mount SEAL_KEY. */
const SEAL_FUNCTIONS = ['getPayment', 'processPayment', 'refundPayment'];
/** The stats and explorer callables: they read Firestore and ship logs, never call the provider. */
const STATS_CALLABLES = [
  'getConnectionPoolStats',
  'getDatabasePoolStatus',
  'getIncidentTimeline',
  'getPayment',
  'listPayments',
  'resetCircuitBreakers',
];

/**
 * Checks every function against the deploy settings in `env` (the loaded env
 * files) and the secrets it must mount: PAYMENT_API_KEY in the provider's
 * callers only, SEAL_KEY in the sealed reads' users only, `logSecrets` (the
 * AWS key secrets, when defined) in all.
 */
function expectConfigured(endpoints: Record<string, Endpoint>, env: Record<string, string>, logSecrets: string[] = []) {
  expect(Object.keys(endpoints).sort()).toEqual(FUNCTION_NAMES);
  for (const [name, e] of Object.entries(endpoints)) {
    const scheduled = name === 'reconcilePayments';
    // The uptime-check endpoint answers within seconds (health/healthFunction.ts).
    const http = name === 'health';
    const payment = name === 'processPayment';
    // Unset (null) minInstances and concurrency are the platform's defaults, 0 and 80.
    expect({ name, ...e, minInstances: e.minInstances ?? 0, concurrency: e.concurrency ?? 80 }).toMatchObject({
      name,
      region: [env.FUNCTIONS_REGION],
      availableMemoryMb: mebibytes(env.FUNCTIONS_MEMORY!),
      cpu: Number(env.FUNCTIONS_CPU),
      // processPayment has its own cap: the provider budget is divided by it.
      maxInstances: Number(payment ? env.PAYMENT_MAX_INSTANCES : env.FUNCTIONS_MAX_INSTANCES),
      minInstances: payment ? Number(env.PAYMENT_MIN_INSTANCES) : 0,
      concurrency: payment ? Number(env.PAYMENT_CONCURRENCY) : 80,
      timeoutSeconds: scheduled ? 300 : http ? 30 : Number(env.CALLABLE_TIMEOUT_SECONDS),
    });
    const secrets = [
      ...(PROVIDER_FUNCTIONS.includes(name) ? ['PAYMENT_API_KEY'] : []),
      ...(SEAL_FUNCTIONS.includes(name) ? ['SEAL_KEY'] : []),
      ...logSecrets,
    ];
    expect({ name, secrets: (e.secretEnvironmentVariables ?? []).map((s) => s.key) }).toEqual({ name, secrets });
    if (scheduled) expect(e.scheduleTrigger?.schedule).toBe('every 5 minutes');
    else if (http) expect(e.httpsTrigger?.invoker).toEqual(['public']);
    else expect(e.callableTrigger).toEqual({});
  }
}

describe('deploy settings reach firebase-functions discovery', () => {
  beforeAll(() => {
    modules = productionModules();
  }, 660_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lists every function with the settings of functions/.env', () => {
    const res = discover();
    expect(res.stderr).not.toMatch(/Cannot find module/);
    expect(res.status).toBe(0);
    expect(res.userEnvs).toMatchObject({ FUNCTIONS_REGION: 'us-central1', PAYMENT_MIN_INSTANCES: '0' });
    expectConfigured(res.endpoints, res.userEnvs);
  });

  it('applies a .env.<projectId> override and ignores the emulator-only files', () => {
    const res = discover({
      [`.env.${PROJECT}`]: 'FUNCTIONS_REGION=europe-west1\nPAYMENT_MIN_INSTANCES=2\nCALLABLE_TIMEOUT_SECONDS=90\n',
      // Emulator-only files: a deploy must not read them.
      '.env.local': 'FUNCTIONS_REGION=asia-east1\nPAYMENT_MIN_INSTANCES=7\n',
      '.secret.local': 'PAYMENT_API_KEY=must-not-be-read\n',
    });
    expect(res.status).toBe(0);
    expect(res.userEnvs).not.toHaveProperty('PAYMENT_API_KEY');
    expect(res.userEnvs).toMatchObject({ FUNCTIONS_REGION: 'europe-west1', PAYMENT_MIN_INSTANCES: '2' });
    expectConfigured(res.endpoints, res.userEnvs);
    expect(res.endpoints.processPayment).toMatchObject({
      region: ['europe-west1'],
      minInstances: 2,
      timeoutSeconds: 90,
    });
  });

  it("gives Hosting a production CSP naming the functions' own origin in their deploy region, no loopback, no wildcard", () => {
    const override = { [`.env.${PROJECT}`]: 'FUNCTIONS_REGION=europe-west1\n' };
    const region = discover(override).endpoints.processPayment?.region[0];
    expect(region).toBe('europe-west1');
    const root = mkdtempSync(join(tmpdir(), 'hosting-deploy-config-'));
    dirs.push(root);
    mkdirSync(join(root, 'functions'));
    cpSync(join(FUNCTIONS, '.env'), join(root, 'functions', '.env'));
    for (const [name, text] of Object.entries(override)) writeFileSync(join(root, 'functions', name), text);
    cpSync(join(ROOT, 'firebase.json'), join(root, 'firebase.json'));
    const { csp } = writeHostingDeployConfig(PROJECT, root);
    const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    expect(sources.filter((s) => s.includes('cloudfunctions.net'))).toEqual([
      `https://${region}-${PROJECT}.cloudfunctions.net`,
    ]);
    expect(sources.filter((s) => /127\.0\.0\.1|localhost|\*|^http:/.test(s))).toEqual([]);
  });

  it('gives processPayment its own instance cap and request concurrency, the others FUNCTIONS_MAX_INSTANCES', () => {
    const res = discover({
      [`.env.${PROJECT}`]:
        'FUNCTIONS_MAX_INSTANCES=3\nPAYMENT_MAX_INSTANCES=20\nPAYMENT_MIN_INSTANCES=4\nPAYMENT_CONCURRENCY=40\n',
    });
    expect(res.status).toBe(0);
    expectConfigured(res.endpoints, res.userEnvs);
    expect(res.endpoints.processPayment).toMatchObject({ maxInstances: 20, minInstances: 4, concurrency: 40 });
    expect(res.endpoints.getConnectionPoolStats).toMatchObject({ maxInstances: 3 });
  });

  it('refuses a provider budget that leaves a payment instance no socket, naming both variables', () => {
    const res = discover({ [`.env.${PROJECT}`]: 'PAYMENT_PROVIDER_MAX_CONCURRENCY=25\nPAYMENT_MAX_INSTANCES=30\n' });
    expect(res.status).not.toBe(0);
    const output = `${res.stdout}${res.stderr}`;
    expect(output).toContain('PAYMENT_PROVIDER_MAX_CONCURRENCY (25) shared by PAYMENT_MAX_INSTANCES (30)');
  });

  it('mounts PAYMENT_API_KEY only in the functions that call the provider, never in the stats callables', () => {
    const res = discover();
    expect(res.status).toBe(0);
    expect(Object.keys(res.endpoints)).toEqual(expect.arrayContaining([...PROVIDER_FUNCTIONS, ...STATS_CALLABLES]));
    const mounting = (name: string) => (res.endpoints[name]!.secretEnvironmentVariables ?? []).map((s) => s.key);
    for (const name of STATS_CALLABLES) {
      // getPayment hands out refund seals: SEAL_KEY, still no provider key.
      const secrets = SEAL_FUNCTIONS.includes(name) ? ['SEAL_KEY'] : [];
      expect({ name, secrets: mounting(name) }).toEqual({ name, secrets });
    }
    for (const name of PROVIDER_FUNCTIONS) expect(mounting(name), name).toContain('PAYMENT_API_KEY');
  });

  it('mounts SEAL_KEY only in the functions that seal or open sealed reads', () => {
    const res = discover();
    expect(res.status).toBe(0);
    const sealing = Object.entries(res.endpoints)
      .filter(([, e]) => (e.secretEnvironmentVariables ?? []).some((s) => s.key === 'SEAL_KEY'))
      .map(([name]) => name)
      .sort();
    expect(sealing).toEqual(SEAL_FUNCTIONS);
  });

  it('mounts the AWS key secrets in every function once CloudWatch ships with access keys, and not with a role', () => {
    const cloudwatch = 'CLOUDWATCH_LOG_GROUP=/payments/prod\nAWS_REGION=eu-west-1\n';
    const keys = discover({ [`.env.${PROJECT}`]: cloudwatch });
    expect(keys.status).toBe(0);
    expectConfigured(keys.endpoints, keys.userEnvs, ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    const role = discover({
      [`.env.${PROJECT}`]: `${cloudwatch}AWS_ROLE_ARN=arn:aws:iam::123456789012:role/payments-cloudwatch\n`,
    });
    expect(role.status).toBe(0);
    expectConfigured(role.endpoints, role.userEnvs);
  });

  it('refuses settings whose payment path does not fit the callable timeout, naming them', () => {
    const res = discover({ [`.env.${PROJECT}`]: 'CALLABLE_TIMEOUT_SECONDS=30\n' });
    expect(res.status).not.toBe(0);
    const output = `${res.stdout}${res.stderr}`;
    for (const name of ['CALLABLE_TIMEOUT_SECONDS', 'PAYMENT_TOTAL_TIMEOUT_MS', 'VUE_APP_DATABASE_TIMEOUT']) {
      expect(output).toContain(name);
    }
  });
});

describe('retention: the field the TTL policy names', () => {
  it('stats snapshots in instances/ carry expiresAt as a Firestore Timestamp after updatedAt', async () => {
    const started = Date.now();
    const admin = await session(USERS.admin);
    await admin.call('getDatabasePoolStatus', {}); // publishes this instance's snapshot when due
    await admin.close();
    const snap = await adminDb()
      .collection('instances')
      .where('updatedAt', '>=', started - 120_000)
      .get();
    expect(snap.size).toBeGreaterThan(0);
    for (const doc of snap.docs) {
      const { expiresAt, updatedAt } = doc.data() as { expiresAt: unknown; updatedAt: number };
      // A TTL policy ignores a field that is not a Timestamp: the snapshots would never be deleted.
      expect(expiresAt).toBeInstanceOf(Timestamp);
      expect((expiresAt as Timestamp).toMillis()).toBeGreaterThan(updatedAt);
    }
  });
});
