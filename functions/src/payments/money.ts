import type { ErrorCode } from '../api/index.js';
import { AppError } from '../resilience/appError.js';

/**
 * Money at the boundary: the callable takes amounts in major units (25.99, as the
 * seed does) and converts them ONCE, exactly, to integer minor units using the
 * currency's minor-unit digits from Intl's currency data (USD 2, JPY 0). After
 * this point money is an integer; no float arithmetic touches it.
 */

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Thrown for an unusable amount or currency (maps to `invalid-argument`). */
export class InvalidMoneyError extends AppError<ErrorCode> {
  constructor(message: string, field: 'amount' | 'currency') {
    super('INVALID_ARGUMENT', message, { details: { field } });
  }
}

/** Upper-cases and checks an ISO 4217 code known to Intl. */
export function normalizeCurrency(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper) || !KNOWN_CURRENCIES.has(upper)) {
    throw new InvalidMoneyError(`currency: "${code}" is not a known ISO 4217 currency code`, 'currency');
  }
  return upper;
}

/** Number of minor-unit digits of a currency (USD 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Converts a major-unit amount to integer minor units, exactly, from the
 * number's shortest decimal representation. Rejects NaN, Infinity, zero,
 * negatives, more decimals than the currency allows, and amounts above
 * `maxMajor` major units.
 */
export function toMinorUnits(amount: unknown, currency: string, maxMajor: number): number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new InvalidMoneyError('amount: must be a finite number', 'amount');
  }
  if (amount <= 0) throw new InvalidMoneyError('amount: must be greater than zero', 'amount');
  const digits = minorDigits(currency);
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

/** Converts integer minor units back to a major-unit number for display (via its decimal string). */
export function toMajorUnits(minor: number, currency: string): number {
  const digits = minorDigits(currency);
  if (digits === 0) return minor;
  const s = String(minor).padStart(digits + 1, '0');
  return Number(`${s.slice(0, -digits)}.${s.slice(-digits)}`);
}
