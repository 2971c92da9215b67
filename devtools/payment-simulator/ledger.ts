/**
 * What the payment provider simulator records: the charges (at most one per
 * idempotency key), the validation of a charge request, and how many charge
 * requests each key received. server.ts decides when to call it.
 */
import { randomUUID } from 'node:crypto';
import { error } from './replies.ts';
import type { Reply } from './replies.ts';

/** A charge or decline as the provider stores it and returns it. */
export type ChargeRecord = {
  /** Provider charge id, `ch_...`, stable across idempotent repeats. */
  id: string;
  /** `succeeded` or `declined`. */
  status: 'succeeded' | 'declined';
  /** Amount in minor units. */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  /** Payment method as sent by the caller. */
  paymentMethod: string;
  /** The caller's transaction id, which is also the idempotency key. */
  transactionId: string;
  /** Why it was declined; present only on declines. */
  declineCode?: string;
  /** ISO timestamp of the first request with this key. */
  createdAt: string;
};

/** Snapshot of what the provider recorded. */
export type LedgerSnapshot = {
  /** Every charge and decline, oldest first (one per key). */
  charges: ChargeRecord[];
  /** Number of `POST /charge` requests per Idempotency-Key, whatever their outcome. */
  chargeRequests: Record<string, number>;
};

/** A validated `POST /charge` body. */
export type ChargeRequest = { amount: number; currency: string; paymentMethod: string; transactionId: string };

/** Amounts whose minor units modulo 1000 equal this are declined (e.g. 4.02 USD). */
const DECLINE_REMAINDER = 402;

/** Validates a charge body against its Idempotency-Key header; returns an error reply when invalid. */
export function validateCharge(body: unknown, key: string | undefined): ChargeRequest | Reply {
  const invalid = (message: string) => error(400, 'INVALID_REQUEST', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid('The body must be a JSON object.');
  const { amount, currency, paymentMethod, transactionId } = body as Record<string, unknown>;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    return invalid('"amount" must be a positive integer in minor units (e.g. 1999 for 19.99).');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
    return invalid('"currency" must be an upper-case ISO 4217 code such as "USD".');
  if (typeof paymentMethod !== 'string' || paymentMethod.length === 0)
    return invalid('"paymentMethod" must be a non-empty string.');
  if (typeof transactionId !== 'string' || transactionId.length === 0 || transactionId.length > 255) {
    return invalid('"transactionId" must be a non-empty string of at most 255 characters.');
  }
  if (key === undefined)
    return error(400, 'MISSING_IDEMPOTENCY_KEY', 'Send the transactionId in the Idempotency-Key header.');
  if (key !== transactionId)
    return error(400, 'IDEMPOTENCY_KEY_MISMATCH', "The Idempotency-Key header must equal the body's transactionId.");
  return { amount, currency, paymentMethod, transactionId };
}

function chargeReply(charge: ChargeRecord, created: boolean): Reply {
  return { status: charge.status === 'declined' ? 402 : created ? 201 : 200, body: charge };
}

/** The provider's records, in memory. */
export class Ledger {
  private readonly charges = new Map<string, ChargeRecord>();
  private readonly chargeRequests = new Map<string, number>();

  /** Counts one `POST /charge` that carried this Idempotency-Key, whatever its outcome. */
  countRequest(key: string): void {
    this.chargeRequests.set(key, (this.chargeRequests.get(key) ?? 0) + 1);
  }

  /** The charge or decline recorded for this transaction id, if any. */
  find(transactionId: string): ChargeRecord | undefined {
    return this.charges.get(transactionId);
  }

  /**
   * Charges `input` at most once per transaction id: the first request records
   * the charge (201) or decline (402), a repeat with the same amount, currency
   * and method gets the same record back (200, or 402 again), a repeat with
   * other values gets 409 IDEMPOTENCY_CONFLICT.
   */
  charge(input: ChargeRequest): Reply {
    const existing = this.charges.get(input.transactionId);
    if (existing) {
      const same =
        existing.amount === input.amount &&
        existing.currency === input.currency &&
        existing.paymentMethod === input.paymentMethod;
      if (!same)
        return error(
          409,
          'IDEMPOTENCY_CONFLICT',
          'This Idempotency-Key was already used with a different amount, currency or payment method.',
        );
      return chargeReply(existing, false);
    }
    const declined = input.amount % 1000 === DECLINE_REMAINDER;
    const record: ChargeRecord = {
      id: `ch_${randomUUID().replaceAll('-', '')}`,
      status: declined ? 'declined' : 'succeeded',
      ...input,
      ...(declined ? { declineCode: 'insufficient_funds' } : {}),
      createdAt: new Date().toISOString(),
    };
    this.charges.set(input.transactionId, record);
    return chargeReply(record, true);
  }

  /** A copy of everything recorded. */
  snapshot(): LedgerSnapshot {
    return {
      charges: [...this.charges.values()].map((c) => ({ ...c })),
      chargeRequests: Object.fromEntries(this.chargeRequests),
    };
  }

  /** Forgets every charge and request count. */
  clear(): void {
    this.charges.clear();
    this.chargeRequests.clear();
  }
}
