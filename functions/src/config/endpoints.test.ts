import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';
import { ENDPOINT_VARIABLES, isLoopbackHost, mayPrintValue } from './endpoints.js';
import { rejection } from './testing/rejection.js';

describe('endpoint variables', () => {
  it.each(ENDPOINT_VARIABLES)('%s: plain http to a remote host is refused at parse, naming the variable', (name) => {
    const err = rejection({ [name]: 'http://api.example.com' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(name);
    expect(err.message).toContain('https://');
    expect(err.message).not.toContain('api.example.com');
    expect(err.details).toEqual({ variables: [name] });
  });

  it.each(ENDPOINT_VARIABLES)('%s: https anywhere, http to loopback, and http anywhere in the emulator', (name) => {
    for (const url of ['https://api.example.com', 'http://127.0.0.1:8710', 'http://localhost:9000', 'http://[::1]:1']) {
      expect(() => parseConfig({ [name]: url })).not.toThrow();
    }
    expect(() => parseConfig({ [name]: 'http://api.example.com', FUNCTIONS_EMULATOR: 'true' })).not.toThrow();
    expect(() => parseConfig({ [name]: 'http://api.example.com', FUNCTIONS_EMULATOR: 'false' })).toThrow(ConfigError);
  });

  it('refuses one http endpoint among https ones', () => {
    const err = rejection({ PAYMENT_SERVICE_URL: 'https://a.example,http://b.example' });
    expect(err.details).toEqual({ variables: ['PAYMENT_SERVICE_URL'] });
  });

  it('a production provider URL with credentials fails without printing them', () => {
    const err = rejection({ PAYMENT_SERVICE_URL: 'http://user:pass@pay.example.com' });
    expect(err.message).toContain('PAYMENT_SERVICE_URL');
    expect(err.message).not.toMatch(/user|pass|pay\.example/);
    expect(JSON.stringify(err.details)).not.toMatch(/user|pass/);
    for (const name of ENDPOINT_VARIABLES) {
      const malformed = rejection({ [name]: 'htp://user:pass@host' });
      expect(malformed.message).toContain(name);
      expect(malformed.message).not.toMatch(/user|pass|host/);
    }
  });

  it('other bad values are still quoted, to help fix them', () => {
    expect(rejection({ VUE_APP_PAYMENT_TIMEOUT: 'abc' }).message).toContain('"abc"');
  });

  it('recognises loopback hosts only', () => {
    for (const h of ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of ['example.com', 'localhost.example.com', '127.0.0.1.nip.io', '10.0.0.1', '[::2]', '0.0.0.0']) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });

  it('never prints keys, secrets or tokens', () => {
    expect(mayPrintValue('AWS_SECRET_ACCESS_KEY')).toBe(false);
    expect(mayPrintValue('PAYMENT_API_KEY')).toBe(false);
    expect(mayPrintValue('VUE_APP_PAYMENT_TIMEOUT')).toBe(true);
  });
});

describe('PAYMENT_RETIRED_URLS', () => {
  it('parses a comma list under the rules of PAYMENT_SERVICE_URL', () => {
    const c = parseConfig({
      PAYMENT_SERVICE_URL: 'https://pay-b.example.com',
      PAYMENT_RETIRED_URLS: ' https://pay-a.example.com , http://127.0.0.1:8710/v1 ',
    });
    expect(c.PAYMENT_RETIRED_URLS).toEqual(['https://pay-a.example.com', 'http://127.0.0.1:8710/v1']);
    expect(parseConfig({}).PAYMENT_RETIRED_URLS).toBeUndefined();
    for (const bad of [
      'https://user:pw@pay-a.example.com',
      'https://a.example?k=1',
      'https://a.example,https://a.example/',
    ]) {
      const err = rejection({ PAYMENT_RETIRED_URLS: bad });
      expect(err.details).toEqual({ variables: ['PAYMENT_RETIRED_URLS'] });
      expect(err.message).not.toMatch(/user|pw|a\.example/);
    }
  });

  it('refuses an endpoint both in rotation and retired, whatever its scheme or trailing slash', () => {
    const err = rejection({
      PAYMENT_SERVICE_URL: 'https://pay-a.example.com/v1,https://pay-b.example.com',
      PAYMENT_RETIRED_URLS: 'http://127.0.0.1:8710,https://pay-a.example.com:443/v1/',
    });
    expect(err.message).toContain('1 endpoint(s) that PAYMENT_SERVICE_URL still lists');
    expect(err.message).not.toContain('pay-a');
    expect(err.details).toEqual({ variables: ['PAYMENT_RETIRED_URLS', 'PAYMENT_SERVICE_URL'] });
  });

  it('refuses retired endpoints in Stripe mode, which has one API URL', () => {
    const err = rejection({ PAYMENT_PROVIDER: 'stripe', PAYMENT_RETIRED_URLS: 'https://pay-a.example.com' });
    expect(err.details).toEqual({ variables: ['PAYMENT_RETIRED_URLS', 'PAYMENT_PROVIDER'] });
  });
});
