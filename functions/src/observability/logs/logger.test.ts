import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { logger } from 'firebase-functions';
import { AppError } from '../../resilience/appError.js';
import { functionName } from './instance.js';
import { Severity, addLogSink, instanceId, logEvent, setLogShipper, type StructuredEvent } from './logger.js';
import { REDACTED, REDACTED_PAN, clearRegisteredSecrets, redactEvent, registerSecret } from './redact.js';

const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);
let received: Readonly<StructuredEvent>[];
let detach: () => void;
let write: MockInstance<typeof logger.write>;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  received = [];
  detach = addLogSink((e) => received.push(e));
  write = vi.spyOn(logger, 'write').mockImplementation(() => {});
  process.env.FUNCTION_TARGET = 'processPayment';
});
afterEach(() => {
  detach();
  setLogShipper(null);
  clearRegisteredSecrets();
  vi.restoreAllMocks();
  vi.useRealTimers();
  delete process.env.FUNCTION_TARGET;
  delete process.env.K_SERVICE;
});

describe('logEvent', () => {
  it('produces the stable shape, in a stable key order, with INFO by default', () => {
    const e = logEvent('payment.attempt', {
      attempt: 2,
      transactionId: 'tx-1',
      custom: 'x',
      service: 'payment-api',
      durationMs: 12,
      breakerState: 'closed',
    });
    expect(Object.keys(e)).toEqual([
      'event',
      'severity',
      'timestamp',
      'transactionId',
      'service',
      'attempt',
      'durationMs',
      'breakerState',
      'instanceId',
      'function',
      'custom',
    ]);
    expect(e).toEqual({
      event: 'payment.attempt',
      severity: 'INFO',
      timestamp: NOW,
      transactionId: 'tx-1',
      service: 'payment-api',
      attempt: 2,
      durationMs: 12,
      breakerState: 'closed',
      instanceId,
      function: 'processPayment',
      custom: 'x',
    });
    expect(instanceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes to Cloud Logging through the firebase logger with the severity', () => {
    logEvent('payment.failed', { transactionId: 't' }, Severity.ERROR);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]![0]).toMatchObject({
      severity: 'ERROR',
      message: 'payment.failed',
      event: 'payment.failed',
      transactionId: 't',
    });
  });

  it('derives errorCode and errorMessage from an error, without stack or cause', () => {
    const err = new AppError<string>('PAYMENT_DECLINED', 'The card was declined; ask for another card.', {
      cause: new Error('inner'),
    });
    const e = logEvent('payment.failed', { error: err }, 'WARNING');
    expect(e).toMatchObject({
      severity: 'WARNING',
      errorCode: 'PAYMENT_DECLINED',
      errorMessage: 'The card was declined; ask for another card.',
    });
    expect(JSON.stringify(e)).not.toMatch(/stack|inner/);
    expect(logEvent('x', { error: new TypeError('boom') })).toMatchObject({
      errorCode: 'TypeError',
      errorMessage: 'boom',
    });
    expect(logEvent('x', { error: err, errorCode: 'OVERRIDE' }).errorCode).toBe('OVERRIDE');
  });

  it('describes thrown primitives by their value and a thrown function not at all', () => {
    expect(logEvent('x', { error: 'plain text' }).errorMessage).toBe('plain text');
    expect(logEvent('x', { error: 42 }).errorMessage).toBe('42');
    const thrownFunction = logEvent('x', { error: () => 'source with key=abc' });
    expect(thrownFunction.errorMessage).toBeUndefined();
    expect(JSON.stringify(thrownFunction)).not.toContain('key=abc');
  });

  it('redacts before any sink sees the event', () => {
    registerSecret('pk_live_SECRET123');
    logEvent('payment.request', {
      transactionId: '4111111111111111',
      headers: { Authorization: 'Bearer abc', 'x-api-key': 'pk_live_SECRET123' },
      note: 'card 4111 1111 1111 1111 used with pk_live_SECRET123',
      idToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefg',
    });
    const [e] = received;
    expect(e).toMatchObject({
      transactionId: '4111111111111111',
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED },
      note: `card ${REDACTED_PAN} used with ${REDACTED}`,
      idToken: REDACTED,
    });
    const written = JSON.stringify(write.mock.calls[0]![0]);
    expect(written).not.toContain('pk_live_SECRET123');
    expect(written).not.toContain('Bearer abc');
  });

  it('does not let fields override base fields', () => {
    const e = logEvent('real', {
      event: 'fake',
      severity: 'DEBUG',
      timestamp: 1,
      instanceId: 'x',
      function: 'y',
    });
    expect(e).toMatchObject({
      event: 'real',
      severity: 'INFO',
      timestamp: NOW,
      instanceId,
      function: 'processPayment',
    });
  });

  it('names the function from FUNCTION_TARGET, then K_SERVICE, then local', () => {
    expect(functionName({ FUNCTION_TARGET: 'a', K_SERVICE: 'b' })).toBe('a');
    expect(functionName({ K_SERVICE: 'b' })).toBe('b');
    expect(functionName({})).toBe('local');
    delete process.env.FUNCTION_TARGET;
    process.env.K_SERVICE = 'svc';
    expect(logEvent('x').function).toBe('svc');
  });

  it('hands the same event to the shipper only while it is enabled', () => {
    const shipped: unknown[] = [];
    const shipper = { enabled: true, enqueue: (e: unknown) => shipped.push(e) };
    setLogShipper(shipper);
    const e = logEvent('a', { token: 't0k3n' });
    expect(shipped).toEqual([e]);
    expect(shipped[0]).toBe(received[0]);
    // Redacted and frozen to its leaves once, so the shipper's own redactEvent hands it back as it is.
    expect(redactEvent(e)).toBe(e);
    shipper.enabled = false;
    logEvent('b');
    expect(shipped).toHaveLength(1);
  });

  it('keeps going when a sink throws, and never throws itself', () => {
    const bad = addLogSink(() => {
      throw new Error('sink down');
    });
    write.mockImplementation(() => {
      throw new Error('stdout closed');
    });
    expect(() => logEvent('still.fine')).not.toThrow();
    expect(received.map((e) => e.event)).toEqual(['still.fine']);
    bad();
  });

  it('gives sinks a frozen event', () => {
    const e = logEvent('x');
    expect(Object.isFrozen(e)).toBe(true);
  });
});
