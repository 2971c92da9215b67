import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../resilience/appError.js';
import {
  REDACTED,
  REDACTED_PAN,
  clearRegisteredSecrets,
  frozenRedaction,
  isSecretKey,
  luhnValid,
  redact,
  redactEvent,
  redactString,
  registerSecret,
} from './redact.js';

/** Appends the Luhn check digit to `body` (so tests can build valid PANs of any length). */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

afterEach(() => clearRegisteredSecrets());

describe('luhnValid', () => {
  it('accepts known test card numbers and rejects a one-digit change', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111x1111111111')).toBe(false);
  });
});

describe('redactString: card numbers', () => {
  it('masks a Luhn-valid 16-digit PAN and keeps the surrounding text', () => {
    expect(redactString('card 4111111111111111 declined')).toBe(`card ${REDACTED_PAN} declined`);
  });

  it('keeps a 16-digit run that fails Luhn', () => {
    expect(redactString('ref 4111111111111112')).toBe('ref 4111111111111112');
  });

  it('masks PANs grouped by spaces or dashes', () => {
    expect(redactString('pan=4111 1111 1111 1111.')).toBe(`pan=${REDACTED_PAN}.`);
    expect(redactString('5555-5555-5555-4444')).toBe(REDACTED_PAN);
  });

  it('masks at the 13 and 19 digit edges and ignores 12 and 20 digits even when Luhn passes', () => {
    const p12 = withCheckDigit('41111111111');
    const p13 = withCheckDigit('422222222222');
    const p19 = withCheckDigit('411111111111111111');
    const p20 = withCheckDigit('4111111111111111111');
    expect([p12.length, p13.length, p19.length, p20.length]).toEqual([12, 13, 19, 20]);
    expect(redactString(`a ${p12} b`)).toBe(`a ${p12} b`);
    expect(redactString(`a ${p13} b`)).toBe(`a ${REDACTED_PAN} b`);
    expect(redactString(`a ${p19} b`)).toBe(`a ${REDACTED_PAN} b`);
    expect(redactString(`a ${p20} b`)).toBe(`a ${p20} b`);
  });

  it('finds a PAN followed by another digit group in the same run', () => {
    expect(redactString('4111 1111 1111 1111 12')).toBe(`${REDACTED_PAN} 12`);
  });

  it('masks a PAN glued to letters (e.g. a prefix) but not digits inside a longer number', () => {
    expect(redactString('id4111111111111111')).toBe(`id${REDACTED_PAN}`);
    expect(redactString('94111111111111111')).toBe('94111111111111111');
  });

  it('leaves dates, phone numbers and short amounts alone', () => {
    const text = 'on 2024-01-15 call +1 415 555 2671 for 12.50 EUR';
    expect(redactString(text)).toBe(text);
  });
});

describe('redactString: credentials', () => {
  it('masks Bearer and Basic credentials', () => {
    expect(redactString('Authorization: Bearer abc.DEF-123_x~+/==')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString('basic dXNlcjpwYXNz')).toBe(`basic ${REDACTED}`);
  });

  it('masks JWT-looking strings but not host names or versions', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_nat-ure';
    expect(redactString(`token ${jwt} end`)).toBe(`token ${REDACTED} end`);
    expect(redactString('api.example.com v1.2.3')).toBe('api.example.com v1.2.3');
  });

  it('masks every occurrence of a registered secret, and ignores too-short ones', () => {
    registerSecret('sk_live_ABCdef987');
    registerSecret('ab');
    registerSecret(undefined);
    expect(redactString('key=sk_live_ABCdef987; again sk_live_ABCdef987 ab')).toBe(
      `key=${REDACTED}; again ${REDACTED} ab`,
    );
  });

  it('treats regex metacharacters in a registered secret literally', () => {
    registerSecret('a.b*c(d)');
    expect(redactString('x a.b*c(d) aXbbc(d)')).toBe(`x ${REDACTED} aXbbc(d)`);
  });
});

describe('isSecretKey', () => {
  it.each([
    'apiKey',
    'api_key',
    'API-KEY',
    'PAYMENT_API_KEY',
    'authorization',
    'Authorization',
    'token',
    'idToken',
    'refresh_token',
    'password',
    'clientSecret',
    'cardNumber',
    'card_number',
    'pan',
    'cvv',
  ])('%s is secret', (k) => expect(isSecretKey(k)).toBe(true));

  it.each(['transactionId', 'tokenCount', 'breakerState', 'idempotencyKey', 'company', 'durationMs'])(
    '%s is not secret',
    (k) => expect(isSecretKey(k)).toBe(false),
  );
});

describe('redact', () => {
  it('removes secret-keyed values in nested objects and arrays', () => {
    const input = {
      user: { apiKey: 'k-123', profile: { PASSWORD: 'hunter2', name: 'Ana' } },
      headers: [{ Authorization: 'Bearer xyz' }, { accept: 'json' }],
      list: ['plain', 'card 4111111111111111'],
    };
    expect(redact(input)).toEqual({
      user: { apiKey: REDACTED, profile: { PASSWORD: REDACTED, name: 'Ana' } },
      headers: [{ Authorization: REDACTED }, { accept: 'json' }],
      list: ['plain', `card ${REDACTED_PAN}`],
    });
    expect(input.user.apiKey).toBe('k-123'); // input untouched
  });

  it('redacts secret-keyed objects and numbers entirely', () => {
    expect(redact({ secret: { a: 1 }, cardNumber: 4111111111111111 })).toEqual({
      secret: REDACTED,
      cardNumber: REDACTED,
    });
  });

  it('never redacts instanceId, even when its digit-only groups pass the Luhn check', () => {
    const id = '41111111-1111-1111-aaaa-bbbbbbbbbbbb';
    expect(redactEvent({ instanceId: id, note: id })).toEqual({
      instanceId: id,
      note: `${REDACTED_PAN}-aaaa-bbbbbbbbbbbb`,
    });
  });

  it('never redacts transactionId, even when it is a Luhn-valid digit string', () => {
    const event = { transactionId: '4111111111111111', note: 'tx 4111111111111111' };
    expect(redactEvent(event)).toEqual({ transactionId: '4111111111111111', note: `tx ${REDACTED_PAN}` });
  });

  it('keeps numbers (timestamps) verbatim', () => {
    expect(redact({ timestamp: 1700000000000, amount: 12.5 })).toEqual({ timestamp: 1700000000000, amount: 12.5 });
  });

  it('turns Errors into {name, code, message} with a redacted message and no stack or cause', () => {
    const cause = new Error('inner Bearer abc');
    const err = new AppError<string>('PAYMENT_FAILED', 'charge of 4111111111111111 failed', { cause });
    expect(redact({ error: err })).toEqual({
      error: { name: 'AppError', code: 'PAYMENT_FAILED', message: `charge of ${REDACTED_PAN} failed` },
    });
    expect(redact(new TypeError('bad'))).toEqual({ name: 'TypeError', message: 'bad' });
  });

  it('is JSON-safe: cycles, dates, bigints, functions and buffers', () => {
    const a: Record<string, unknown> = { n: 1n, d: new Date(0), f: () => 1, b: Buffer.from('abc') };
    a.self = a;
    expect(redact(a)).toEqual({ n: '1', d: '1970-01-01T00:00:00.000Z', b: '[Binary 3 bytes]', self: '[Circular]' });
  });

  it('stops at a maximum depth', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
  });

  it('masks registered secrets anywhere in a structure', () => {
    registerSecret('PAYKEY-0123456789');
    expect(redact({ msg: 'sent PAYKEY-0123456789', nested: ['x PAYKEY-0123456789'] })).toEqual({
      msg: `sent ${REDACTED}`,
      nested: [`x ${REDACTED}`],
    });
  });

  it('a frozen redaction is redacted, frozen to its leaves, and not walked again by redactEvent', () => {
    const event = { event: 'x', apiKey: 'sk_live_1', nested: { card: '4111 1111 1111 1111', list: [{ a: 1 }] } };
    const frozen = frozenRedaction(event);
    expect(frozen).toEqual(redactEvent(event));
    expect(frozen).toMatchObject({ apiKey: REDACTED, nested: { card: REDACTED_PAN } });
    const nested = frozen.nested as { list: { a: number }[] };
    for (const part of [frozen, nested, nested.list, nested.list[0]]) expect(Object.isFrozen(part)).toBe(true);
    expect(redactEvent(frozen)).toBe(frozen);
    // An equal record that is not one of them is still redacted into a copy.
    const copy = structuredClone(event);
    expect(redactEvent(copy)).not.toBe(copy);
    expect(redactEvent(copy)).toEqual(frozen);
  });
});
