// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appCheckEnforced, assertProductionSettings, functionsRegion, missingSettings, webConfig } from './buildEnv';

const PRODUCTION = {
  VITE_FIREBASE_API_KEY: 'AIza-test',
  VITE_FIREBASE_PROJECT_ID: 'acme-payments',
  VITE_FIREBASE_AUTH_DOMAIN: 'acme-payments.firebaseapp.com',
};
const APP_CHECK = { VITE_APPCHECK_SITE_KEY: '6Lc-test', VITE_FIREBASE_APP_ID: '1:123:web:abc' };

describe('missingSettings', () => {
  it('names each missing web setting', () => {
    expect(missingSettings({})).toEqual([
      'VITE_FIREBASE_API_KEY',
      'VITE_FIREBASE_PROJECT_ID',
      'VITE_FIREBASE_AUTH_DOMAIN',
    ]);
    expect(missingSettings({ ...PRODUCTION, VITE_FIREBASE_AUTH_DOMAIN: '  ' })).toEqual(['VITE_FIREBASE_AUTH_DOMAIN']);
    expect(missingSettings(PRODUCTION)).toEqual([]);
  });

  it("asks for App Check's site key and app id only when the functions enforce App Check", () => {
    expect(missingSettings({ ...PRODUCTION, VITE_APPCHECK_ENFORCED: 'false' })).toEqual([]);
    expect(missingSettings({ ...PRODUCTION, VITE_APPCHECK_ENFORCED: 'true' })).toEqual([
      'VITE_APPCHECK_SITE_KEY',
      'VITE_FIREBASE_APP_ID',
    ]);
    expect(missingSettings({ ...PRODUCTION, ...APP_CHECK, VITE_APPCHECK_ENFORCED: 'true' })).toEqual([]);
  });
});

describe('appCheckEnforced', () => {
  it("follows the functions' APP_CHECK_ENFORCE, true when unset", () => {
    expect(appCheckEnforced({}, {})).toBe(true);
    expect(appCheckEnforced({}, { APP_CHECK_ENFORCE: 'false' })).toBe(false);
    expect(appCheckEnforced({}, { APP_CHECK_ENFORCE: 'TRUE' })).toBe(true);
    expect(appCheckEnforced({ VITE_APPCHECK_ENFORCED: 'false' }, { APP_CHECK_ENFORCE: 'false' })).toBe(false);
  });

  it('refuses a VITE_APPCHECK_ENFORCED that contradicts the functions', () => {
    expect(() => appCheckEnforced({ VITE_APPCHECK_ENFORCED: 'false' }, {})).toThrow(
      /VITE_APPCHECK_ENFORCED is false but the functions have APP_CHECK_ENFORCE=true/,
    );
  });
});

describe('webConfig', () => {
  it('falls back to the demo project only for the emulators', () => {
    expect(webConfig({}, true)).toEqual({
      emulators: true,
      apiKey: 'demo-api-key',
      projectId: 'demo-payments',
      authDomain: 'demo-payments.firebaseapp.com',
      functionsRegion: 'us-central1',
      appId: undefined,
      appCheckSiteKey: null,
    });
    expect(webConfig({ VITE_USE_EMULATORS: 'true' }, false).projectId).toBe('demo-payments');
  });

  it('refuses a page for a real project without its settings, naming them', () => {
    expect(() => webConfig({}, false)).toThrow(
      /VITE_FIREBASE_API_KEY, VITE_FIREBASE_PROJECT_ID, VITE_FIREBASE_AUTH_DOMAIN/,
    );
    expect(() => webConfig({ VITE_USE_EMULATORS: 'false' }, true)).toThrow(/VITE_FIREBASE_API_KEY/);
  });

  it('uses the settings of a real project', () => {
    expect(webConfig({ ...PRODUCTION, ...APP_CHECK, VITE_FUNCTIONS_REGION: 'europe-west1' }, false)).toEqual({
      emulators: false,
      apiKey: 'AIza-test',
      projectId: 'acme-payments',
      authDomain: 'acme-payments.firebaseapp.com',
      functionsRegion: 'europe-west1',
      appId: '1:123:web:abc',
      appCheckSiteKey: '6Lc-test',
    });
  });
});

describe('assertProductionSettings', () => {
  it("refuses the development servers' URLs, naming them", () => {
    const env = { VITE_FIREBASE_API_KEY: 'k', VITE_FIREBASE_PROJECT_ID: 'p', VITE_FIREBASE_AUTH_DOMAIN: 'd' };
    expect(() => assertProductionSettings(env)).not.toThrow();
    expect(() => assertProductionSettings({ ...env, VITE_STRIPE_FAKE_URL: 'http://127.0.0.1:12111' })).toThrow(
      /VITE_STRIPE_FAKE_URL points it at a development server/,
    );
    expect(() =>
      assertProductionSettings({ ...env, VITE_STRIPE_FAKE_URL: 'x', VITE_PAYMENT_SIMULATOR_URL: 'y' }),
    ).toThrow(/VITE_PAYMENT_SIMULATOR_URL, VITE_STRIPE_FAKE_URL point it/);
  });
});

describe('functionsRegion', () => {
  it("follows the functions' FUNCTIONS_REGION, us-central1 when unset", () => {
    expect(functionsRegion({}, {})).toBe('us-central1');
    expect(functionsRegion({}, { FUNCTIONS_REGION: 'europe-west1' })).toBe('europe-west1');
    expect(functionsRegion({ VITE_FUNCTIONS_REGION: 'europe-west1' }, { FUNCTIONS_REGION: 'europe-west1' })).toBe(
      'europe-west1',
    );
  });

  it('refuses a VITE_FUNCTIONS_REGION other than the deployed one', () => {
    expect(() => functionsRegion({ VITE_FUNCTIONS_REGION: 'europe-west1' }, {})).toThrow(
      /VITE_FUNCTIONS_REGION is europe-west1 but the functions deploy to us-central1/,
    );
  });
});

describe('vite build for a real project', () => {
  const WEB = new URL('../../', import.meta.url).pathname;
  const VITE = new URL('../../../node_modules/vite/bin/vite.js', import.meta.url).pathname;
  const outDirs: string[] = [];
  afterAll(() => {
    for (const d of outDirs) rmSync(d, { recursive: true, force: true });
  });

  /** `vite build` into a temp dir (never web/dist, which the Hosting emulator serves), with only `env` set. */
  function build(env: Record<string, string>) {
    const outDir = mkdtempSync(join(tmpdir(), 'web-build-'));
    outDirs.push(outDir);
    // A mode with no web/.env.<mode> file, so a developer's .env.production.local cannot hide a missing setting.
    const args = [VITE, 'build', '--mode', 'settings-check', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
    const res = spawnSync(process.execPath, args, {
      cwd: WEB,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { ...res, output: `${res.stdout}${res.stderr}`, outDir };
  }

  it('fails naming every missing setting', () => {
    const res = build({});
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(
      /VITE_FIREBASE_API_KEY, VITE_FIREBASE_PROJECT_ID, VITE_FIREBASE_AUTH_DOMAIN, VITE_APPCHECK_SITE_KEY, VITE_FIREBASE_APP_ID are not set/,
    );
  }, 120_000);

  it("fails naming App Check's settings while the functions enforce App Check (their default)", () => {
    const res = build(PRODUCTION);
    expect(res.status).not.toBe(0);
    expect(res.output).toMatch(/VITE_APPCHECK_SITE_KEY, VITE_FIREBASE_APP_ID are not set/);
  }, 120_000);

  it("fails when VITE_FUNCTIONS_REGION differs from the functions' region", () => {
    const res = build({ ...PRODUCTION, VITE_FUNCTIONS_REGION: 'asia-east1' });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('VITE_FUNCTIONS_REGION is asia-east1');
  }, 120_000);

  it('fails when a development server URL is set (VITE_PAYMENT_SIMULATOR_URL, VITE_STRIPE_FAKE_URL)', () => {
    const res = build({ ...PRODUCTION, ...APP_CHECK, VITE_PAYMENT_SIMULATOR_URL: 'http://127.0.0.1:8710' });
    expect(res.status).not.toBe(0);
    expect(res.output).toContain('VITE_PAYMENT_SIMULATOR_URL points it at a development server');
  }, 120_000);

  it('builds with the settings, bound to that project, with reCAPTCHA Enterprise App Check', () => {
    const res = build({ ...PRODUCTION, ...APP_CHECK });
    expect(res.output).not.toMatch(/error/i);
    expect(res.status).toBe(0);
    const assets = join(res.outDir, 'assets');
    const bundle = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    expect(bundle).toContain('acme-payments.firebaseapp.com');
    expect(bundle).toContain('6Lc-test');
    expect(bundle).toContain('recaptcha/enterprise.js');
  }, 120_000);
});
