import { describe, expect, it } from 'vitest';
import { paymentFunctionOptions, parseConfig, providerSocketCap, sharedFunctionOptions } from './index.js';
import { rejection } from './testing/rejection.js';

describe('parseConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      VUE_APP_PAYMENT_TIMEOUT: 5000,
      VUE_APP_PAYMENT_RETRY_ATTEMPTS: 3,
      VUE_APP_MAX_CONNECTIONS: 10,
      VUE_APP_CONNECTION_TIMEOUT: 30000,
      VUE_APP_DATABASE_TIMEOUT: 10000,
      VUE_APP_DATABASE_RETRY_ATTEMPTS: 3,
      VUE_APP_CLOUDWATCH_TIMEOUT: 10000,
      VUE_APP_CLOUDWATCH_RETRY_ATTEMPTS: 3,
      VUE_APP_CLOUDWATCH_RETRY_DELAY: 1000,
      VUE_APP_ENABLE_METRICS: true,
      VUE_APP_METRICS_INTERVAL: 60000,
      CIRCUIT_FAILURE_THRESHOLD: 50,
      CIRCUIT_MIN_CALLS: 5,
      CIRCUIT_WINDOW_MS: 10000,
      CIRCUIT_OPEN_MS: 30000,
      CIRCUIT_HALF_OPEN_PROBES: 1,
      PAYMENT_MAX_AMOUNT: 1000000,
      CLOUDWATCH_FLUSH_BUDGET_MS: 300,
      FUNCTIONS_REGION: 'us-central1',
      FUNCTIONS_MEMORY: '256MiB',
      FUNCTIONS_CPU: 1,
      FUNCTIONS_MAX_INSTANCES: 10,
      PAYMENT_MIN_INSTANCES: 0,
      PAYMENT_MAX_INSTANCES: 10,
      PAYMENT_CONCURRENCY: 80,
      PAYMENT_PROVIDER_MAX_CONCURRENCY: 100,
      CALLABLE_TIMEOUT_SECONDS: 60,
    });
    expect(c.CLOUDWATCH_LOG_GROUP).toBeUndefined();
  });

  it('parses set values', () => {
    const c = parseConfig({
      VUE_APP_PAYMENT_TIMEOUT: ' 2500 ',
      VUE_APP_ENABLE_METRICS: 'false',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:8710',
    });
    expect(c.VUE_APP_PAYMENT_TIMEOUT).toBe(2500);
    expect(c.VUE_APP_ENABLE_METRICS).toBe(false);
    expect(c.PAYMENT_SERVICE_URL).toEqual(['http://127.0.0.1:8710']);
  });

  it.each([
    ['VUE_APP_PAYMENT_TIMEOUT', 'abc'],
    ['VUE_APP_PAYMENT_TIMEOUT', '-5'],
    ['VUE_APP_MAX_CONNECTIONS', '0'],
    ['VUE_APP_METRICS_INTERVAL', '1.5'],
    ['VUE_APP_ENABLE_METRICS', 'maybe'],
    ['PAYMENT_SERVICE_URL', 'not a url'],
    ['PAYMENT_SERVICE_URL', 'http://a.example,not a url'],
    ['PAYMENT_SERVICE_URL', 'http://user:secret@a.example'],
    ['PAYMENT_SERVICE_URL', 'http://a.example/v1,http://a.example/v1/'],
    ['PAYMENT_ENDPOINTS_SHARE_KEYS', 'sometimes'],
    ['PAYMENT_LIMIT_MIN', '0'],
    ['CIRCUIT_FAILURE_THRESHOLD', '150'],
    ['FUNCTIONS_REGION', 'Europe West'],
    ['FUNCTIONS_REGION', 'europe-west'],
    ['FUNCTIONS_MEMORY', '256MB'],
    ['FUNCTIONS_MEMORY', '300MiB'],
    ['FUNCTIONS_CPU', '0.5'],
    ['FUNCTIONS_CPU', '3'],
    ['FUNCTIONS_MAX_INSTANCES', '0'],
    ['PAYMENT_MIN_INSTANCES', '-1'],
    ['PAYMENT_MIN_INSTANCES', 'two'],
    ['PAYMENT_MAX_INSTANCES', '0'],
    ['PAYMENT_CONCURRENCY', '0'],
    ['PAYMENT_CONCURRENCY', '1001'],
    ['PAYMENT_PROVIDER_MAX_CONCURRENCY', '0'],
    ['PAYMENT_PROVIDER_MAX_CONCURRENCY', 'lots'],
    ['CALLABLE_TIMEOUT_SECONDS', '0'],
    ['CALLABLE_TIMEOUT_SECONDS', '3601'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const err = rejection({ [name]: value });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(name);
    expect(err.details).toEqual({ variables: [name] });
  });
});

describe('deploy settings', () => {
  it('parses overrides and hands them to every function as options', () => {
    const c = parseConfig({
      FUNCTIONS_REGION: 'europe-west1',
      FUNCTIONS_MEMORY: ' 1GiB ',
      FUNCTIONS_CPU: '2',
      FUNCTIONS_MAX_INSTANCES: '20',
      PAYMENT_MIN_INSTANCES: '2',
      CALLABLE_TIMEOUT_SECONDS: '120',
    });
    expect(c).toMatchObject({ PAYMENT_MIN_INSTANCES: 2, CALLABLE_TIMEOUT_SECONDS: 120 });
    expect(sharedFunctionOptions(c)).toEqual({ region: 'europe-west1', memory: '1GiB', cpu: 2, maxInstances: 20 });
  });

  // Defaults: 25000 + 3000 lookup + 2 × 10000 + 300 = 48300 ms.
  it('accepts a payment path that fits the callable timeout exactly', () => {
    expect(() => parseConfig({ CALLABLE_TIMEOUT_SECONDS: '56', PAYMENT_TOTAL_TIMEOUT_MS: '32700' })).not.toThrow();
  });

  it.each([
    ['a longer payment deadline', { PAYMENT_TOTAL_TIMEOUT_MS: '36701' }],
    ['a shorter callable timeout', { CALLABLE_TIMEOUT_SECONDS: '48' }],
    ['slower ledger writes', { VUE_APP_DATABASE_TIMEOUT: '16000' }],
    ['a longer log flush', { CLOUDWATCH_FLUSH_BUDGET_MS: '12001' }],
  ])('refuses a payment path that no longer fits: %s, naming the four variables', (_label, env) => {
    const err = rejection(env);
    expect(err.message).toMatch(/payment path's worst case.*does not fit CALLABLE_TIMEOUT_SECONDS/);
    expect(err.details).toEqual({
      variables: expect.arrayContaining([
        'CALLABLE_TIMEOUT_SECONDS',
        'PAYMENT_TOTAL_TIMEOUT_MS',
        'VUE_APP_DATABASE_TIMEOUT',
        'CLOUDWATCH_FLUSH_BUDGET_MS',
      ]) as unknown,
    });
  });

  it('states the sum it checked', () => {
    expect(rejection({ CALLABLE_TIMEOUT_SECONDS: '30' }).message).toContain(
      '= 48300 ms, does not fit CALLABLE_TIMEOUT_SECONDS (30 s = 30000 ms)',
    );
  });

  it("refuses a callable timeout that cuts runReconciliation's 45 s pass short", () => {
    // The payment path fits (5000 + 3000 + 2 × 10000 + 300 = 28300 ms); the pass needs 45000 + 10000 + 300.
    const err = rejection({ CALLABLE_TIMEOUT_SECONDS: '50', PAYMENT_TOTAL_TIMEOUT_MS: '5000' });
    expect(err.message).toContain("runReconciliation's worst case");
    expect(err.message).not.toContain('payment path');
    expect(err.details).toEqual({
      variables: ['CALLABLE_TIMEOUT_SECONDS', 'VUE_APP_DATABASE_TIMEOUT', 'CLOUDWATCH_FLUSH_BUDGET_MS'],
    });
  });

  it("refuses more warm payment instances than processPayment's own instance cap", () => {
    expect(() => parseConfig({ PAYMENT_MIN_INSTANCES: '10' })).not.toThrow();
    expect(rejection({ PAYMENT_MIN_INSTANCES: '11' }).details).toEqual({
      variables: ['PAYMENT_MIN_INSTANCES', 'PAYMENT_MAX_INSTANCES'],
    });
    // The other functions' cap is not processPayment's.
    expect(() => parseConfig({ PAYMENT_MIN_INSTANCES: '3', FUNCTIONS_MAX_INSTANCES: '2' })).not.toThrow();
    expect(
      rejection({ PAYMENT_MIN_INSTANCES: '3', PAYMENT_MAX_INSTANCES: '2', FUNCTIONS_MAX_INSTANCES: '20' }).details,
    ).toEqual({
      variables: ['PAYMENT_MIN_INSTANCES', 'PAYMENT_MAX_INSTANCES'],
    });
  });

  it('gives processPayment its own instance cap and request concurrency, and the others FUNCTIONS_MAX_INSTANCES', () => {
    const c = parseConfig({
      FUNCTIONS_MAX_INSTANCES: '4',
      PAYMENT_MAX_INSTANCES: '25',
      PAYMENT_MIN_INSTANCES: '1',
      PAYMENT_CONCURRENCY: '40',
    });
    expect(sharedFunctionOptions(c).maxInstances).toBe(4);
    expect(paymentFunctionOptions(c)).toEqual({ maxInstances: 25, minInstances: 1, concurrency: 40 });
    expect(paymentFunctionOptions(parseConfig({}))).toEqual({ maxInstances: 10, minInstances: 0, concurrency: 80 });
  });

  it.each([
    ['8GiB', '1', false],
    ['8GiB', '2', true],
    ['1GiB', '4', false],
    ['2GiB', '4', true],
    ['32GiB', '6', false],
    ['32GiB', '8', true],
  ])('memory %s with %s vCPU: allowed %s', (memory, cpu, allowed) => {
    const env = { FUNCTIONS_MEMORY: memory, FUNCTIONS_CPU: cpu };
    if (allowed) expect(sharedFunctionOptions(parseConfig(env))).toMatchObject({ memory, cpu: Number(cpu) });
    else expect(rejection(env).details).toEqual({ variables: ['FUNCTIONS_MEMORY', 'FUNCTIONS_CPU'] });
  });

  it('keeps the scheduled pass inside its 300 s timeout', () => {
    expect(() => parseConfig({ RECONCILE_BUDGET_MS: '270000' })).not.toThrow();
    expect(rejection({ RECONCILE_BUDGET_MS: '270001' }).message).toContain('300 s schedule timeout');
  });
});

describe('payment provider', () => {
  it('defaults the service URL to the chosen provider and refuses an unknown provider', () => {
    expect(parseConfig({}).PAYMENT_SERVICE_URL).toEqual(['https://api.payment-service.com']);
    expect(parseConfig({ PAYMENT_PROVIDER: 'stripe' }).PAYMENT_SERVICE_URL).toEqual(['https://api.stripe.com']);
    expect(
      parseConfig({ PAYMENT_PROVIDER: 'stripe', PAYMENT_SERVICE_URL: 'http://127.0.0.1:12111' }).PAYMENT_SERVICE_URL,
    ).toEqual(['http://127.0.0.1:12111']);
    expect(() => parseConfig({ PAYMENT_PROVIDER: 'paypal' })).toThrow(/PAYMENT_PROVIDER must be generic or stripe/);
    expect(() => parseConfig({ STRIPE_TEST_PAYMENT_METHOD: 'card' })).toThrow(/STRIPE_TEST_PAYMENT_METHOD/);
  });
});

describe('provider concurrency budget', () => {
  it.each([
    [{}, 10], // min(10, floor(100 / 10))
    [{ PAYMENT_MAX_INSTANCES: '40' }, 2], // floor(100 / 40)
    [{ PAYMENT_PROVIDER_MAX_CONCURRENCY: '25', PAYMENT_MAX_INSTANCES: '4' }, 6], // Stripe test mode, floor(25 / 4)
    [{ PAYMENT_PROVIDER_MAX_CONCURRENCY: '1000' }, 10], // the per-service socket limit still applies
    [{ PAYMENT_PROVIDER_MAX_CONCURRENCY: '1000', VUE_APP_MAX_CONNECTIONS: '50' }, 50],
    [{ PAYMENT_PROVIDER_MAX_CONCURRENCY: '7', PAYMENT_MAX_INSTANCES: '7' }, 1],
  ])('%o: each instance may have %i requests in flight to the provider', (env, cap) => {
    const c = parseConfig(env);
    expect(providerSocketCap(c)).toBe(cap);
    // The whole fleet at its instance cap stays within the budget.
    expect(providerSocketCap(c) * c.PAYMENT_MAX_INSTANCES).toBeLessThanOrEqual(c.PAYMENT_PROVIDER_MAX_CONCURRENCY);
  });

  it('refuses a budget that leaves an instance no socket, naming both variables', () => {
    const err = rejection({ PAYMENT_PROVIDER_MAX_CONCURRENCY: '9', PAYMENT_MAX_INSTANCES: '10' });
    expect(err.details).toEqual({ variables: ['PAYMENT_PROVIDER_MAX_CONCURRENCY', 'PAYMENT_MAX_INSTANCES'] });
    expect(err.message).toContain('PAYMENT_PROVIDER_MAX_CONCURRENCY (9) shared by PAYMENT_MAX_INSTANCES (10)');
    expect(err.message).toContain('0 provider sockets');
    expect(rejection({ PAYMENT_MAX_INSTANCES: '101' }).details).toEqual({
      variables: ['PAYMENT_PROVIDER_MAX_CONCURRENCY', 'PAYMENT_MAX_INSTANCES'],
    });
  });
});

describe('App Check', () => {
  it('is enforced by default, with replay protection', () => {
    expect(parseConfig({})).toMatchObject({ APP_CHECK_ENFORCE: true, APP_CHECK_CONSUME: true });
    expect(parseConfig({ APP_CHECK_CONSUME: 'false' }).APP_CHECK_CONSUME).toBe(false);
    expect(parseConfig({ APP_CHECK_CONSUME: 'true' }).APP_CHECK_CONSUME).toBe(true);
    expect(rejection({ APP_CHECK_ENFORCE: 'sometimes' }).details).toEqual({ variables: ['APP_CHECK_ENFORCE'] });
  });

  it('turns replay protection off with enforcement when APP_CHECK_CONSUME is unset', () => {
    expect(parseConfig({ APP_CHECK_ENFORCE: 'false' })).toMatchObject({
      APP_CHECK_ENFORCE: false,
      APP_CHECK_CONSUME: false,
    });
  });

  it('refuses replay protection without enforcement, which would protect nothing', () => {
    expect(rejection({ APP_CHECK_ENFORCE: 'false', APP_CHECK_CONSUME: 'true' }).details).toEqual({
      variables: ['APP_CHECK_CONSUME', 'APP_CHECK_ENFORCE'],
    });
  });
});

describe('several endpoints of one provider', () => {
  it('parses a comma-separated list, keeps the order, and defaults to pinning payments to one endpoint', () => {
    const c = parseConfig({ PAYMENT_SERVICE_URL: ' http://127.0.0.1:8710 , http://127.0.0.1:8720/v1 ' });
    expect(c.PAYMENT_SERVICE_URL).toEqual(['http://127.0.0.1:8710', 'http://127.0.0.1:8720/v1']);
    expect(c.PAYMENT_ENDPOINTS_SHARE_KEYS).toBe(false);
    expect(parseConfig({ PAYMENT_ENDPOINTS_SHARE_KEYS: 'true' }).PAYMENT_ENDPOINTS_SHARE_KEYS).toBe(true);
  });

  it('refuses several endpoints with Stripe, naming both variables', () => {
    expect(() =>
      parseConfig({ PAYMENT_PROVIDER: 'stripe', PAYMENT_SERVICE_URL: 'http://a.example,http://b.example' }),
    ).toThrow(/PAYMENT_SERVICE_URL lists several endpoints, but Stripe has one/);
  });
});
