/**
 * The refunds the payment provider simulator records: at most one per
 * remembered idempotency key (the caller's refundId), only of a succeeded
 * charge, and never more in total per transactionId than that charge's
 * amount (succeeded, pending and still-to-commit refunds count; failed ones
 * do not). Refunds can be recorded `pending` and settled later. The
 * idempotency keys, delayed commits and key expiry are keyBook.ts's, as for
 * charges.
 */
import { randomUUID } from 'node:crypto';
import { IdempotentKeyBook } from './keyBook.ts';
import type { KeyBookOptions, KeyBookResult, KeyBookRules } from './keyBook.ts';
import { error } from './replies.ts';
import type { Reply } from './replies.ts';
import type { ChargeRecord, RefundRecord, RefundSnapshot } from './shapes.ts';

/** A validated `POST /refund` body. */
export type RefundRequest = { transactionId: string; refundId: string; amount: number; currency: string };

/** What `RefundBook.refund` did: answered at once, or accepted a refund that commits at `commitAt`. */
export type RefundResult = KeyBookResult;

/** How a refund is to be recorded: key retention and delayed commit as for charges, and the status it takes. */
export type RefundOptions = KeyBookOptions & { status: 'succeeded' | 'pending' };

/** The statuses a pending refund can be settled to. */
export type SettledStatus = 'succeeded' | 'failed';

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 255;

/** Validates a refund body against its Idempotency-Key header; returns an error reply when invalid. */
export function validateRefund(body: unknown, key: string | undefined): RefundRequest | Reply {
  const invalid = (message: string) => error(400, 'INVALID_REQUEST', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid('The body must be a JSON object.');
  const { transactionId, refundId, amount, currency } = body as Record<string, unknown>;
  if (!isId(transactionId)) return invalid('"transactionId" must be a non-empty string of at most 255 characters.');
  if (!isId(refundId)) return invalid('"refundId" must be a non-empty string of at most 255 characters.');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    return invalid('"amount" must be a positive integer in minor units (e.g. 500 for 5.00).');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
    return invalid('"currency" must be an upper-case ISO 4217 code such as "USD".');
  if (key === undefined)
    return error(400, 'MISSING_IDEMPOTENCY_KEY', 'Send the refundId in the Idempotency-Key header.');
  if (key !== refundId)
    return error(400, 'IDEMPOTENCY_KEY_MISMATCH', "The Idempotency-Key header must equal the body's refundId.");
  return { transactionId, refundId, amount, currency };
}

/** What the book holds under a refundId until it commits: the request and the status it takes. */
type RefundEntry = { input: RefundRequest; status: RefundOptions['status'] };

/** Refunds as the key book records them: a repeat must keep the transactionId, amount and currency. */
const REFUND_RULES: KeyBookRules<RefundEntry, RefundRecord> = {
  record: ({ input, status }, at) => ({
    id: `re_${randomUUID().replaceAll('-', '')}`,
    ...input,
    status,
    createdAt: new Date(at).toISOString(),
  }),
  same: (existing, { input }) =>
    existing.transactionId === input.transactionId &&
    existing.amount === input.amount &&
    existing.currency === input.currency,
  created: (refund) => ({ status: 201, body: refund }),
  // The refund as it is now: a settle may have moved it since it was made.
  replayed: (refund) => ({ status: 200, body: { ...refund } }),
  conflict: 'This Idempotency-Key was already used with a different transactionId, amount or currency.',
};

/** The provider's refunds, in memory; `chargeOf` finds the charge a refund would give money back from. */
export class RefundBook {
  /** Refunds under their idempotency key (the refundId); lookups outlive key retention. */
  private readonly book: IdempotentKeyBook<RefundEntry, RefundRecord>;
  private readonly chargeOf: (transactionId: string) => ChargeRecord | undefined;

  // Plain fields, not parameter properties: the simulator runs under Node's type stripping, which refuses them.
  constructor(chargeOf: (transactionId: string) => ChargeRecord | undefined, now: () => number = Date.now) {
    this.chargeOf = chargeOf;
    this.book = new IdempotentKeyBook(REFUND_RULES, now);
  }

  /** Counts one `POST /refund` that carried this Idempotency-Key, whatever its outcome. */
  countRequest(key: string): void {
    this.book.countRequest(key);
  }

  /** The latest refund recorded under this refundId, if any (whether or not its key is remembered). */
  find(refundId: string): RefundRecord | undefined {
    return this.book.find(refundId);
  }

  /**
   * Refunds `input` at most once per remembered key: the first request
   * records the refund (201), or with `commitAt` accepts it to commit then; a
   * repeat with the same transactionId, amount and currency gets the same
   * refund back as it is now (200), with other values 409
   * IDEMPOTENCY_CONFLICT; a repeat while the commit is pending 409
   * IDEMPOTENCY_KEY_IN_USE. A new key needs a succeeded charge (else 404
   * CHARGE_NOT_FOUND) in the same currency, and room under its amount (else
   * 422 REFUND_EXCEEDS_CHARGE). A key older than `keyTtlMs` is forgotten, so
   * it refunds again if the charge has room.
   */
  refund(input: RefundRequest, opts: RefundOptions): RefundResult {
    const { keyTtlMs, commitAt, status } = opts;
    return this.book.submit(input.refundId, { input, status }, { keyTtlMs, commitAt }, () => this.refused(input));
  }

  /**
   * Settles a pending refund as the provider would days later: 200 with the
   * refund, 404 NOT_FOUND when none is recorded under `refundId`, 409
   * REFUND_NOT_PENDING when it is already final. A failed refund gives its
   * amount back to the charge.
   */
  settle(refundId: string, status: SettledStatus, failureReason = 'refund_failed'): Reply {
    const refund = this.find(refundId);
    if (!refund) return error(404, 'NOT_FOUND', 'No refund is recorded under this refundId.');
    if (refund.status !== 'pending') {
      return error(409, 'REFUND_NOT_PENDING', `The refund is already ${refund.status}.`);
    }
    refund.status = status;
    if (status === 'failed') refund.failureReason = failureReason;
    return { status: 200, body: { ...refund } };
  }

  /** A copy of every refund, request count and pending commit. */
  snapshot(): RefundSnapshot {
    const { records, requests, pendingCommits } = this.book.snapshot();
    return { refunds: records, refundRequests: requests, pendingCommits };
  }

  /** Forgets every refund, pending commit, key and request count. */
  clear(): void {
    this.book.clear();
  }

  /** Why a new refund of `input` is refused (no succeeded charge, another currency, no room left), if it is. */
  private refused(input: RefundRequest): Reply | undefined {
    const charge = this.chargeOf(input.transactionId);
    if (charge?.status !== 'succeeded') {
      return error(404, 'CHARGE_NOT_FOUND', 'No succeeded charge is recorded under this transactionId.');
    }
    if (charge.currency !== input.currency) {
      return error(400, 'INVALID_REQUEST', `"currency" must be the charge's (${charge.currency}).`);
    }
    const left = charge.amount - this.taken(input.transactionId);
    if (input.amount > left) {
      const message = `The refund exceeds what is left of the charge (${left} minor units).`;
      return error(422, 'REFUND_EXCEEDS_CHARGE', message);
    }
    return undefined;
  }

  /** What the refunds of `transactionId` hold of its charge: succeeded, pending and still to commit. */
  private taken(transactionId: string): number {
    let sum = 0;
    for (const r of this.book.recorded())
      if (r.transactionId === transactionId && r.status !== 'failed') sum += r.amount;
    for (const { input } of this.book.pendingEntries()) if (input.transactionId === transactionId) sum += input.amount;
    return sum;
  }
}
