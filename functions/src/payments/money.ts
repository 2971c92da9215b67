import type { ErrorCode } from '../api/index.js';
import { AppError } from '../resilience/appError.js';
import { isIsoCurrency } from './iso4217.js';

/**
 * Money at the boundary: the callable takes amounts in major units (25.99, as the
 * seed does) and converts them ONCE, exactly, to integer minor units with the
 * minor-unit digits the provider uses for the currency (ProviderMoney: ISO 4217
 * for the generic contract, Stripe's table for Stripe). After this point money
 * is an integer; no float arithmetic touches it.
 */

/** Thrown for an unusable amount or currency (maps to `invalid-argument`). */
export class InvalidMoneyError extends AppError<ErrorCode> {
  constructor(message: string, field: 'amount' | 'currency') {
    super('INVALID_ARGUMENT', message, { details: { field } });
  }
}

/** Upper-cases and checks an active ISO 4217 code (iso4217.ts). */
export function normalizeCurrency(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper) || !isIsoCurrency(upper)) {
    throw new InvalidMoneyError(`currency: "${code}" is not a known ISO 4217 currency code`, 'currency');
  }
  return upper;
}

/**
 * Converts a major-unit amount to integer minor units, exactly, from the
 * number's shortest decimal representation. Rejects NaN, Infinity, zero,
 * negatives, more decimals than `digits` (the currency's minor-unit digits
 * at the provider), and amounts above `maxMajor` major units.
 */
export function toMinorUnits(amount: unknown, currency: string, maxMajor: number, digits: number): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new InvalidMoneyError('amount: must be a finite number', 'amount');
  }
  if (amount <= 0) throw new InvalidMoneyError('amount: must be greater than zero', 'amount');
  const text = String(amount);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) {
    // Exponent forms: 1e-7 has too many decimals, 1e21 is far above any maximum.
    throw new InvalidMoneyError(`amount: ${text} is not a plain ${currency} amount`, 'amount');
  }
  const [, whole, fraction = ''] = m;
  if (fraction.length > digits) {
    throw new InvalidMoneyError(
      `amount: ${currency} allows at most ${digits} decimal place${digits === 1 ? '' : 's'}, got ${text}`,
      'amount',
    );
  }
  const minor = BigInt(whole! + fraction.padEnd(digits, '0'));
  if (minor > BigInt(maxMajor) * 10n ** BigInt(digits)) {
    throw new InvalidMoneyError(`amount: must be at most ${maxMajor} ${currency}`, 'amount');
  }
  return Number(minor);
}

/** Converts integer minor units of `digits` digits back to a major-unit number for display (via its decimal string). */
export function toMajorUnits(minor: number, digits: number): number {
  if (digits === 0) return minor;
  const s = String(minor).padStart(digits + 1, '0');
  return Number(`${s.slice(0, -digits)}.${s.slice(-digits)}`);
}
