import { afterEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets, redact } from '../observability/logs/redact.js';
import { sealKeyValue } from './sealKey.js';

afterEach(() => {
  clearRegisteredSecrets();
});

describe('sealKeyValue', () => {
  it('is null when SEAL_KEY is not mounted or blank', () => {
    expect(sealKeyValue({})).toBeNull();
    expect(sealKeyValue({ SEAL_KEY: '  ' })).toBeNull();
  });

  it('returns the key and registers it with the log redaction', () => {
    const key = 'dev_seal_0123456789abcdef';
    expect(redact({ note: `key ${key}` })).toEqual({ note: `key ${key}` });
    expect(sealKeyValue({ SEAL_KEY: key })).toBe(key);
    expect(JSON.stringify(redact({ note: `key ${key}` }))).not.toContain(key);
  });
});
