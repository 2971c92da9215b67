/**
 * The refunds the payment provider simulator records: at most one per
 * remembered idempotency key (the caller's refundId), only of a succeeded
 * charge, and never more in total per transactionId than that charge's
 * amount (succeeded, pending and still-to-commit refunds count; failed ones
 * do not). Refunds can be recorded `pending` and settled later. Like ledger.ts,
 * time comes from an injectable clock, so commits and key expiry happen when
 * the refunds are next looked at.
 */
import { randomUUID } from 'node:crypto';
import type { ChargeOptions } from './ledger.ts';
import { error } from './replies.ts';
import type { Reply } from './replies.ts';
import type { ChargeRecord, RefundRecord, RefundSnapshot } from './shapes.ts';

/** A validated `POST /refund` body. */
export type RefundRequest = { transactionId: string; refundId: string; amount: number; currency: string };

/** What `RefundBook.refund` did: answered at once, or accepted a refund that commits at `commitAt`. */
export type RefundResult = { kind: 'answered'; reply: Reply } | { kind: 'scheduled'; commitAt: number };

/** How a refund is to be recorded: key retention and delayed commit as for charges, and the status it takes. */
export type RefundOptions = ChargeOptions & { status: 'succeeded' | 'pending' };

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

/** The provider's refunds, in memory; `chargeOf` finds the charge a refund would give money back from. */
export class RefundBook {
  private readonly refunds: RefundRecord[] = [];
  /** Remembered idempotency keys (refundIds) and the refund stored under each. */
  private readonly keys = new Map<string, { refund: RefundRecord; storedAt: number }>();
  /** The latest refund per refundId, for lookups (which outlive key retention). */
  private readonly latest = new Map<string, RefundRecord>();
  private readonly pending = new Map<
    string,
    { input: RefundRequest; status: RefundOptions['status']; commitAt: number }
  >();
  private readonly refundRequests = new Map<string, number>();

  private readonly chargeOf: (transactionId: string) => ChargeRecord | undefined;
  private readonly now: () => number;

  // Plain fields, not parameter properties: the simulator runs under Node's type stripping, which refuses them.
  constructor(chargeOf: (transactionId: string) => ChargeRecord | undefined, now: () => number = Date.now) {
    this.chargeOf = chargeOf;
    this.now = now;
  }

  /** Counts one `POST /refund` that carried this Idempotency-Key, whatever its outcome. */
  countRequest(key: string): void {
    this.refundRequests.set(key, (this.refundRequests.get(key) ?? 0) + 1);
  }

  /** The latest refund recorded under this refundId, if any (whether or not its key is remembered). */
  find(refundId: string): RefundRecord | undefined {
    this.commitDue();
    return this.latest.get(refundId);
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
    this.commitDue();
    const answered = (reply: Reply): RefundResult => ({ kind: 'answered', reply });
    const key = input.refundId;
    if (this.pending.has(key)) {
      const message = 'A request with this Idempotency-Key is still being processed; retry later.';
      return answered(error(409, 'IDEMPOTENCY_KEY_IN_USE', message));
    }
    const existing = this.remembered(key, opts.keyTtlMs);
    if (existing) return answered(replay(existing, input));
    const charge = this.chargeOf(input.transactionId);
    if (charge?.status !== 'succeeded') {
      return answered(error(404, 'CHARGE_NOT_FOUND', 'No succeeded charge is recorded under this transactionId.'));
    }
    if (charge.currency !== input.currency) {
      return answered(error(400, 'INVALID_REQUEST', `"currency" must be the charge's (${charge.currency}).`));
    }
    const left = charge.amount - this.taken(input.transactionId);
    if (input.amount > left) {
      const message = `The refund exceeds what is left of the charge (${left} minor units).`;
      return answered(error(422, 'REFUND_EXCEEDS_CHARGE', message));
    }
    if (opts.commitAt !== undefined) {
      this.pending.set(key, { input, status: opts.status, commitAt: opts.commitAt });
      return { kind: 'scheduled', commitAt: opts.commitAt };
    }
    return answered({ status: 201, body: this.record(input, opts.status, this.now()) });
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
    this.commitDue();
    const pendingCommits: Record<string, string> = {};
    for (const [key, p] of this.pending) pendingCommits[key] = new Date(p.commitAt).toISOString();
    return {
      refunds: this.refunds.map((r) => ({ ...r })),
      refundRequests: Object.fromEntries(this.refundRequests),
      pendingCommits,
    };
  }

  /** Forgets every refund, pending commit, key and request count. */
  clear(): void {
    this.refunds.length = 0;
    this.keys.clear();
    this.latest.clear();
    this.pending.clear();
    this.refundRequests.clear();
  }

  /** What the refunds of `transactionId` hold of its charge: succeeded, pending and still to commit. */
  private taken(transactionId: string): number {
    let sum = 0;
    for (const r of this.refunds) if (r.transactionId === transactionId && r.status !== 'failed') sum += r.amount;
    for (const p of this.pending.values()) if (p.input.transactionId === transactionId) sum += p.input.amount;
    return sum;
  }

  /** The refund stored under `key`, unless it is older than `ttlMs`: then the key is forgotten for good. */
  private remembered(key: string, ttlMs: number): RefundRecord | undefined {
    const entry = this.keys.get(key);
    if (entry && this.now() - entry.storedAt < ttlMs) return entry.refund;
    this.keys.delete(key);
    return undefined;
  }

  /** Commits every pending refund whose time has come, in commit order. */
  private commitDue(): void {
    const now = this.now();
    const due = [...this.pending].filter(([, p]) => p.commitAt <= now).sort(([, a], [, b]) => a.commitAt - b.commitAt);
    for (const [key, p] of due) {
      this.pending.delete(key);
      this.record(p.input, p.status, p.commitAt);
    }
  }

  private record(input: RefundRequest, status: RefundOptions['status'], at: number): RefundRecord {
    const refund: RefundRecord = {
      id: `re_${randomUUID().replaceAll('-', '')}`,
      ...input,
      status,
      createdAt: new Date(at).toISOString(),
    };
    this.refunds.push(refund);
    this.keys.set(input.refundId, { refund, storedAt: at });
    this.latest.set(input.refundId, refund);
    return refund;
  }
}

/** The answer to a repeat of a remembered key: the refund as it is now, or 409 when the parameters differ. */
function replay(existing: RefundRecord, input: RefundRequest): Reply {
  const same =
    existing.transactionId === input.transactionId &&
    existing.amount === input.amount &&
    existing.currency === input.currency;
  if (same) return { status: 200, body: { ...existing } };
  return error(
    409,
    'IDEMPOTENCY_CONFLICT',
    'This Idempotency-Key was already used with a different transactionId, amount or currency.',
  );
}
