import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './emulator-env.mjs';
import { predeployRefusal, writeHostingDeployConfig } from './deploy-hosting.mjs';
import { EMULATOR_ORIGINS, emulatorCsp, functionsOrigin, productionCsp } from './hosting-csp.mjs';

const connectSrc = (csp) => /(?:^|;)\s*connect-src ([^;]*)/.exec(csp)[1].trim().split(/\s+/);
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/;
const cspOf = (firebase) =>
  firebase.hosting.headers.flatMap((r) => r.headers).find((h) => h.key === 'Content-Security-Policy').value;

/** Neither a loopback origin nor a wildcard (host or scheme) anywhere in the policy. */
function expectProductionSafe(csp) {
  const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
  expect(sources.filter((s) => LOOPBACK.test(s))).toEqual([]);
  expect(sources.filter((s) => s.includes('*') || /^(https?|data|blob):$/.test(s))).toEqual([]);
  expect(sources.filter((s) => s.startsWith('http:'))).toEqual([]);
}

describe('Hosting Content-Security-Policy', () => {
  it("production: the project's own functions origin only, no loopback origin, no wildcard", () => {
    const csp = productionCsp({ projectId: 'prod-payments', region: 'europe-west1' });
    expectProductionSafe(csp);
    const connect = connectSrc(csp);
    expect(connect).toContain('https://europe-west1-prod-payments.cloudfunctions.net');
    expect(connect.filter((s) => s.endsWith('.cloudfunctions.net'))).toHaveLength(1);
    expect(connect).toContain("'self'");
  });

  it('the committed firebase.json carries the production policy (no functions origin) and refuses a plain deploy', () => {
    const firebase = JSON.parse(readFileSync(join(ROOT, 'firebase.json'), 'utf8'));
    expect(cspOf(firebase)).toBe(productionCsp());
    expectProductionSafe(cspOf(firebase));
    expect(firebase.hosting.predeploy).toEqual(['node scripts/deploy-hosting.mjs --check']);
  });

  it('emulators: their loopback origins', () => {
    const connect = connectSrc(emulatorCsp(['http://127.0.0.1:12111']));
    expect(connect).toEqual(expect.arrayContaining([...EMULATOR_ORIGINS, 'http://127.0.0.1:12111']));
    expect(connect.some((s) => s.includes('*'))).toBe(false);
  });

  it('refuses a malformed project id or region instead of writing it into the policy', () => {
    expect(() => functionsOrigin('Prod Payments')).toThrow(/project id/);
    expect(() => functionsOrigin('prod-payments', '*')).toThrow(/region/);
    expect(() => functionsOrigin('*.evil')).toThrow(/project id/);
  });
});

describe('npm run deploy:hosting', () => {
  it("writes firebase.json with the project's policy, its region from the functions' deploy env files", () => {
    const root = mkdtempSync(join(tmpdir(), 'deploy-hosting-'));
    mkdirSync(join(root, 'functions'));
    writeFileSync(join(root, 'functions', '.env'), 'FUNCTIONS_REGION=us-central1\n');
    writeFileSync(join(root, 'functions', '.env.prod-payments'), 'FUNCTIONS_REGION=asia-east1\n');
    // The emulators' file is never deployed, so it never names the region.
    writeFileSync(join(root, 'functions', '.env.local'), 'FUNCTIONS_REGION=europe-west3\n');
    writeFileSync(join(root, 'firebase.json'), readFileSync(join(ROOT, 'firebase.json')));
    const { configPath, csp, remove } = writeHostingDeployConfig('prod-payments', root);
    const written = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(cspOf(written)).toBe(csp);
    expect(connectSrc(csp)).toContain('https://asia-east1-prod-payments.cloudfunctions.net');
    expectProductionSafe(csp);
    const committed = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8'));
    expect({ ...written, hosting: { ...written.hosting, headers: [] } }).toEqual({
      ...committed,
      hosting: { ...committed.hosting, headers: [] },
    });
    remove();
  });

  it('its predeploy check passes only a deploy of the project the script wrote the policy for', () => {
    expect(predeployRefusal({ GCLOUD_PROJECT: 'prod-payments' })).toMatch(
      /npm run deploy:hosting -- --project prod-payments/,
    );
    expect(predeployRefusal({ GCLOUD_PROJECT: 'prod-payments', HOSTING_CSP_PROJECT: 'other-project' })).not.toBeNull();
    expect(predeployRefusal({ GCLOUD_PROJECT: 'prod-payments', HOSTING_CSP_PROJECT: 'prod-payments' })).toBeNull();
  });
});
