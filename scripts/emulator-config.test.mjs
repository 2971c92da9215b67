import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './emulator-env.mjs';
import { EVENTARC_CONSUMER_CODEBASE, TEST_FUNCTIONS_ENV, writeEmulatorConfig } from './emulator-config.mjs';

const LIMITS = ['PAYMENT_USER_RATE_PER_MIN', 'PAYMENT_USER_BURST', 'PAYMENT_USER_MAX_IN_FLIGHT'];

/** The functions' dotenv files merged as the emulator merges them (later files win). */
function emulatedEnv(dir, projectId = 'demo-payments') {
  const files = ['.env', `.env.${projectId}`, '.env.local'].map((f) => join(dir, f)).filter(existsSync);
  return Object.assign({}, ...files.map((f) => parseEnv(readFileSync(f, 'utf8'))));
}

describe('emulator configs', () => {
  it('npm start reads no per-user limit from the committed dotenv files, so the schema defaults apply', () => {
    const env = emulatedEnv(join(ROOT, 'functions'));
    for (const name of LIMITS) expect(env[name], name).toBeUndefined();
  });

  it('the test suites get their loose limits from a generated config that wins over the committed files', () => {
    const root = mkdtempSync(join(tmpdir(), 'emulator-config-'));
    mkdirSync(join(root, 'functions'));
    writeFileSync(join(root, 'functions', '.env'), 'PAYMENT_USER_BURST=10\n');
    writeFileSync(join(root, 'functions', '.env.local'), 'PAYMENT_USER_BURST=11');
    writeFileSync(join(root, 'firebase.json'), JSON.stringify({ functions: [{ source: 'functions' }] }));
    const { configPath, envDir, remove } = writeEmulatorConfig({
      name: 'test',
      label: 'test suites',
      functionsEnv: TEST_FUNCTIONS_ENV,
      root,
    });
    expect(JSON.parse(readFileSync(configPath, 'utf8')).functions).toEqual([
      { source: 'functions', configDir: join('.cache', 'functions-env-test') },
    ]);
    const env = emulatedEnv(envDir);
    for (const name of LIMITS) expect(env[name], name).toBe(TEST_FUNCTIONS_ENV[name]);
    expect(Number(env.PAYMENT_USER_MAX_IN_FLIGHT)).toBeGreaterThanOrEqual(20);
    expect(readFileSync(join(root, 'functions', '.env.local'), 'utf8')).toBe('PAYMENT_USER_BURST=11');
    remove();
    expect(existsSync(configPath) || existsSync(envDir)).toBe(false);
  });

  it('the Eventarc test consumer is in the generated test config only: firebase.json, which deploys read, never names it', () => {
    const deployed = [JSON.parse(readFileSync(join(ROOT, 'firebase.json'), 'utf8')).functions].flat();
    expect(deployed.map((f) => f.source)).toEqual(['functions']);
    expect(existsSync(join(ROOT, EVENTARC_CONSUMER_CODEBASE.source, 'index.js'))).toBe(true);
    const root = mkdtempSync(join(tmpdir(), 'emulator-config-'));
    mkdirSync(join(root, 'functions'));
    writeFileSync(join(root, 'firebase.json'), JSON.stringify({ functions: [{ source: 'functions' }] }));
    const { configPath, remove } = writeEmulatorConfig({
      name: 'test',
      label: 'test suites',
      extraCodebases: [EVENTARC_CONSUMER_CODEBASE],
      root,
    });
    expect(JSON.parse(readFileSync(configPath, 'utf8')).functions).toEqual([
      { source: 'functions', configDir: join('.cache', 'functions-env-test') },
      EVENTARC_CONSUMER_CODEBASE,
    ]);
    remove();
  });
});
