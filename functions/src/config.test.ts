import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

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
    expect(c.PAYMENT_SERVICE_URL).toBe('http://127.0.0.1:8710');
  });

  it.each([
    ['VUE_APP_PAYMENT_TIMEOUT', 'abc'],
    ['VUE_APP_PAYMENT_TIMEOUT', '-5'],
    ['VUE_APP_MAX_CONNECTIONS', '0'],
    ['VUE_APP_METRICS_INTERVAL', '1.5'],
    ['VUE_APP_ENABLE_METRICS', 'maybe'],
    ['PAYMENT_SERVICE_URL', 'not a url'],
    ['CIRCUIT_FAILURE_THRESHOLD', '150'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    let caught: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG_INVALID');
    expect((caught as ConfigError).message).toContain(name);
    expect((caught as ConfigError).details).toEqual({ variables: [name] });
  });
});
