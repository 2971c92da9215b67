import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKeyOf, cannotListen, portOf, secretFile } from './cli.ts';

/** A Fail that throws, so a test sees the message instead of the process exiting. */
const fail = (message: string): never => {
  throw new Error(message);
};

describe('portOf', () => {
  it.each([
    ['9000', '8000', 9000],
    [undefined, '8000', 8000],
    [undefined, undefined, 7000],
    ['0', undefined, 0],
    ['65535', undefined, 65_535],
  ])('flag %s, env %s -> %s', (flag, env, port) => expect(portOf(flag, env, 7000, fail)).toBe(port));

  it.each(['65536', '-1', '80.5', 'http'])('"%s" is refused', (text) => {
    expect(() => portOf(text, undefined, 7000, fail)).toThrow(`invalid port "${text}"; use 0..65535.`);
  });
});

describe('secretFile and apiKeyOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devtools-cli-'));
  const file = join(dir, '.secret.local');
  writeFileSync(file, 'PAYMENT_API_KEY=from-file\nSTRIPE_WEBHOOK_SECRET=whsec_1\n');
  const empty = join(dir, 'empty');
  writeFileSync(empty, '# nothing\n');
  afterEach(() => void vi.unstubAllEnvs());

  it('reads names from the file, and nothing without one', () => {
    expect(secretFile(file, fail)('STRIPE_WEBHOOK_SECRET')).toBe('whsec_1');
    expect(secretFile(file, fail)('MISSING')).toBeUndefined();
    expect(secretFile(undefined, fail)('PAYMENT_API_KEY')).toBeUndefined();
  });

  it('fails on an unreadable file, naming the error code but no content', () => {
    expect(() => secretFile(join(dir, 'nope'), fail)('X')).toThrow(`cannot read --secret-file ${dir}/nope (ENOENT).`);
  });

  it('takes the key from the flag, else the environment, else the file', () => {
    vi.stubEnv('PAYMENT_API_KEY', 'from-env');
    expect(apiKeyOf('from-flag', file, secretFile(file, fail), fail)).toBe('from-flag');
    expect(apiKeyOf(undefined, file, secretFile(file, fail), fail)).toBe('from-env');
    vi.stubEnv('PAYMENT_API_KEY', '');
    expect(apiKeyOf(undefined, file, secretFile(file, fail), fail)).toBe('from-file');
  });

  it('says where to put a missing key', () => {
    vi.stubEnv('PAYMENT_API_KEY', '');
    expect(() => apiKeyOf(undefined, undefined, secretFile(undefined, fail), fail)).toThrow(
      'no API key: set PAYMENT_API_KEY, pass --api-key, or --secret-file <dotenv file>.',
    );
    expect(() => apiKeyOf(undefined, empty, secretFile(empty, fail), fail)).toThrow(
      `${empty} has no PAYMENT_API_KEY=... line.`,
    );
  });
});

describe('cannotListen', () => {
  it('names the address and the error code', () => {
    const err = Object.assign(new Error('busy'), { code: 'EADDRINUSE' });
    expect(() => cannotListen('127.0.0.1', 8710, fail)(err)).toThrow('cannot listen on 127.0.0.1:8710 (EADDRINUSE).');
  });
});
