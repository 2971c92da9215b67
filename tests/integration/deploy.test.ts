// Deploy readiness: `firebase deploy --only functions` uploads functions/ alone, so
// that folder must install and load by itself with production dependencies only.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiscovery } from './discovery.js';

const FUNCTIONS = new URL('../../functions/', import.meta.url).pathname;
let dir: string;

/** The parts of the files below that the checks read. */
interface PackageJson {
  engines: { node: string };
  main: string;
  dependencies: Record<string, string>;
}
interface FirebaseJson {
  functions: { runtime: string; predeploy: string[] }[];
}
/** What firebase-functions discovery writes to FUNCTIONS_MANIFEST_OUTPUT_PATH. */
interface Manifest {
  endpoints: Record<string, { callableTrigger?: unknown; secretEnvironmentVariables?: { key: string }[] }>;
}

const readJson = <T>(path: string | URL): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function discover(env: Record<string, string> = {}) {
  return runDiscovery<Manifest>(dir, { GCLOUD_PROJECT: 'demo-payments', ...env });
}

describe('functions/ is self-contained for deploy', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'functions-deploy-'));
    for (const f of ['package.json', 'lib', '.env']) cpSync(join(FUNCTIONS, f), join(dir, f), { recursive: true });
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: 'inherit',
      timeout: 600_000,
    });
  }, 660_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('declares the nodejs24 runtime, lib/index.js and no workspace dependency', () => {
    const pkg = readJson<PackageJson>(join(dir, 'package.json'));
    expect(pkg.engines.node).toBe('24');
    expect(pkg.main).toBe('lib/index.js');
    for (const v of Object.values(pkg.dependencies)) expect(v).not.toMatch(/^(file:|workspace:|link:)/);
    const firebaseJson = readJson<FirebaseJson>(new URL('../../firebase.json', import.meta.url));
    expect(firebaseJson.functions[0]?.runtime).toBe('nodejs24');
    expect(firebaseJson.functions[0]?.predeploy.join(' ')).toContain('run build');
  });

  it('loads alone and firebase-functions discovery lists exactly the callables index.ts exports', () => {
    const res = discover(
      Object.fromEntries(
        readFileSync(join(dir, '.env'), 'utf8')
          .split('\n')
          .filter((l) => /^\w+=/.test(l))
          .map((l): [string, string] => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    );
    expect(res.stderr).not.toMatch(/Cannot find module/);
    expect(res.status).toBe(0);
    const endpoints = res.manifest?.endpoints ?? {};
    const callables = Object.keys(endpoints)
      .filter((k) => endpoints[k]!.callableTrigger !== undefined)
      .sort();
    expect(callables).toEqual([
      'cancelPayment',
      'getConnectionPoolStats',
      'getDatabasePoolStatus',
      'getIncidentTimeline',
      'getPayment',
      'listPayments',
      'processPayment',
      'refundPayment',
      'resetCircuitBreakers',
      'runReconciliation',
    ]);
    expect(endpoints.processPayment!.secretEnvironmentVariables?.map((s) => s.key)).toContain('PAYMENT_API_KEY');
    expect(endpoints.cancelPayment!.secretEnvironmentVariables?.map((s) => s.key)).toContain('PAYMENT_API_KEY');
  });

  it('fails at cold start naming a malformed variable', () => {
    const res = discover({ VUE_APP_PAYMENT_TIMEOUT: 'abc' });
    expect(res.status).not.toBe(0);
    expect(`${res.stdout}${res.stderr}`).toContain('VUE_APP_PAYMENT_TIMEOUT');
  });

  it('fails at cold start naming the budget variables when an instance would get no provider socket', () => {
    const res = discover({ PAYMENT_PROVIDER_MAX_CONCURRENCY: '5', PAYMENT_MAX_INSTANCES: '10' });
    expect(res.status).not.toBe(0);
    const output = `${res.stdout}${res.stderr}`;
    for (const name of ['PAYMENT_PROVIDER_MAX_CONCURRENCY', 'PAYMENT_MAX_INSTANCES']) expect(output).toContain(name);
  });
});
