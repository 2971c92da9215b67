/**
 * What the payment provider simulator records: the charges (at most one per
 * idempotency key while the key is remembered), charges still to commit, the
 * validation of a charge request, and how many charge requests each key
 * received. server.ts decides when to call it; time comes from an injectable
 * clock, so commits and key expiry happen when the ledger is next looked at.
 */
import { randomUUID } from 'node:crypto';
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
export type ChargeResult = { kind: 'answered'; reply: Reply } | { kind: 'scheduled'; commitAt: number };

/** How a charge is to be recorded: its key's retention and, for delayed commits, the delay. */
export type ChargeOptions = {
  /** How long keys are remembered after their charge was recorded (Infinity: forever). */
  keyTtlMs: number;
  /** When set, a new key commits at this time (epoch ms) instead of at once. */
  commitAt?: number;
};

/** The provider's records, in memory. */
export class Ledger {
  private readonly charges: ChargeRecord[] = [];
  /** Remembered idempotency keys and the result stored under each. */
  private readonly keys = new Map<string, { charge: ChargeRecord; storedAt: number }>();
  /** The latest charge per transactionId, for lookups (which outlive key retention). */
  private readonly latest = new Map<string, ChargeRecord>();
  private readonly pending = new Map<string, { input: ChargeRequest; commitAt: number }>();
  private readonly chargeRequests = new Map<string, number>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Counts one `POST /charge` that carried this Idempotency-Key, whatever its outcome. */
  countRequest(key: string): void {
    this.chargeRequests.set(key, (this.chargeRequests.get(key) ?? 0) + 1);
  }

  /** The latest charge or decline recorded for this transaction id, if any (whether or not its key is remembered). */
  find(transactionId: string): ChargeRecord | undefined {
    this.commitDue();
    return this.latest.get(transactionId);
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
    this.commitDue();
    const key = input.transactionId;
    if (this.pending.has(key)) {
      const message = 'A request with this Idempotency-Key is still being processed; retry later.';
      return { kind: 'answered', reply: error(409, 'IDEMPOTENCY_KEY_IN_USE', message) };
    }
    const existing = this.remembered(key, opts.keyTtlMs);
    if (existing) return { kind: 'answered', reply: replay(existing, input) };
    if (opts.commitAt !== undefined) {
      this.pending.set(key, { input, commitAt: opts.commitAt });
      return { kind: 'scheduled', commitAt: opts.commitAt };
    }
    return { kind: 'answered', reply: chargeReply(this.record(input, this.now()), true) };
  }

  /** A copy of everything recorded. */
  snapshot(): LedgerSnapshot {
    this.commitDue();
    const pendingCommits: Record<string, string> = {};
    for (const [key, p] of this.pending) pendingCommits[key] = new Date(p.commitAt).toISOString();
    return {
      charges: this.charges.map((c) => ({ ...c })),
      chargeRequests: Object.fromEntries(this.chargeRequests),
      pendingCommits,
    };
  }

  /** Forgets every charge, pending commit, key and request count. */
  clear(): void {
    this.charges.length = 0;
    this.keys.clear();
    this.latest.clear();
    this.pending.clear();
    this.chargeRequests.clear();
  }

  /** The result stored under `key`, unless it is older than `ttlMs`: then the key is forgotten for good. */
  private remembered(key: string, ttlMs: number): ChargeRecord | undefined {
    const entry = this.keys.get(key);
    if (entry && this.now() - entry.storedAt < ttlMs) return entry.charge;
    this.keys.delete(key);
    return undefined;
  }

  /** Commits every pending charge whose time has come, in commit order. */
  private commitDue(): void {
    const now = this.now();
    const due = [...this.pending].filter(([, p]) => p.commitAt <= now).sort(([, a], [, b]) => a.commitAt - b.commitAt);
    for (const [key, p] of due) {
      this.pending.delete(key);
      this.record(p.input, p.commitAt);
    }
  }

  private record(input: ChargeRequest, at: number): ChargeRecord {
    const declined = input.amount % 1000 === DECLINE_REMAINDER;
    const charge: ChargeRecord = {
      id: `ch_${randomUUID().replaceAll('-', '')}`,
      status: declined ? 'declined' : 'succeeded',
      ...input,
      ...(declined ? { declineCode: 'insufficient_funds' } : {}),
      createdAt: new Date(at).toISOString(),
    };
    this.charges.push(charge);
    this.keys.set(input.transactionId, { charge, storedAt: at });
    this.latest.set(input.transactionId, charge);
    return charge;
  }
}

/** The answer to a repeat of a remembered key: the stored result, or 409 when the parameters differ. */
function replay(existing: ChargeRecord, input: ChargeRequest): Reply {
  const same =
    existing.amount === input.amount &&
    existing.currency === input.currency &&
    existing.paymentMethod === input.paymentMethod;
  if (same) return chargeReply(existing, false);
  return error(
    409,
    'IDEMPOTENCY_CONFLICT',
    'This Idempotency-Key was already used with a different amount, currency or payment method.',
  );
}
