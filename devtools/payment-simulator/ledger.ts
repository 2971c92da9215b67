/**
 * What the payment provider simulator records: the charges (at most one per
 * idempotency key while the key is remembered), charges still to commit, the
 * validation of a charge request, and how many charge requests each key
 * received. server.ts decides when to call it; the idempotency keys, delayed
 * commits and key expiry are keyBook.ts's.
 */
import { randomUUID } from 'node:crypto';
import { IdempotentKeyBook } from './keyBook.ts';
import type { KeyBookOptions, KeyBookResult, KeyBookRules } from './keyBook.ts';
import { error } from './replies.ts';
import type { Reply } from './replies.ts';
import type { ChargeRecord, LedgerSnapshot } from './shapes.ts';

export type { ChargeRecord, LedgerSnapshot } from './shapes.ts';

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

/** What `Ledger.charge` did: answered at once, or accepted a charge that commits at `commitAt`. */
export type ChargeResult = KeyBookResult;

/** How a charge is to be recorded: its key's retention and, for delayed commits, the delay. */
export type ChargeOptions = KeyBookOptions;

/** Charges as the key book records them: a repeat must keep the amount, currency and method. */
const CHARGE_RULES: KeyBookRules<ChargeRequest, ChargeRecord> = {
  record(input, at) {
    const declined = input.amount % 1000 === DECLINE_REMAINDER;
    return {
      id: `ch_${randomUUID().replaceAll('-', '')}`,
      status: declined ? 'declined' : 'succeeded',
      ...input,
      ...(declined ? { declineCode: 'insufficient_funds' } : {}),
      createdAt: new Date(at).toISOString(),
    };
  },
  same: (existing, input) =>
    existing.amount === input.amount &&
    existing.currency === input.currency &&
    existing.paymentMethod === input.paymentMethod,
  created: (charge) => chargeReply(charge, true),
  replayed: (charge) => chargeReply(charge, false),
  conflict: 'This Idempotency-Key was already used with a different amount, currency or payment method.',
};

/** The provider's records, in memory. */
export class Ledger {
  /** Charges under their idempotency key (the transactionId); lookups outlive key retention. */
  private readonly book: IdempotentKeyBook<ChargeRequest, ChargeRecord>;

  constructor(now: () => number = Date.now) {
    this.book = new IdempotentKeyBook(CHARGE_RULES, now);
  }

  /** Counts one `POST /charge` that carried this Idempotency-Key, whatever its outcome. */
  countRequest(key: string): void {
    this.book.countRequest(key);
  }

  /** The latest charge or decline recorded for this transaction id, if any (whether or not its key is remembered). */
  find(transactionId: string): ChargeRecord | undefined {
    return this.book.find(transactionId);
  }

  /**
   * Charges `input` at most once per remembered key: the first request records
   * the charge (201) or decline (402), or with `commitAt` accepts it to
   * commit then; a repeat with the same amount, currency and method gets the
   * same record back (200, or 402 again), with other values 409
   * IDEMPOTENCY_CONFLICT; a repeat while the commit is pending 409
   * IDEMPOTENCY_KEY_IN_USE. A key older than `keyTtlMs` is forgotten, so it
   * charges again.
   */
  charge(input: ChargeRequest, opts: ChargeOptions): ChargeResult {
    return this.book.submit(input.transactionId, input, opts);
  }

  /** A copy of everything recorded. */
  snapshot(): LedgerSnapshot {
    const { records, requests, pendingCommits } = this.book.snapshot();
    return { charges: records, chargeRequests: requests, pendingCommits };
  }

  /** Forgets every charge, pending commit, key and request count. */
  clear(): void {
    this.book.clear();
  }
}
