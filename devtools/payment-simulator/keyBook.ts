/**
 * The idempotency-key book the simulator's charges and refunds share: at most
 * one record per remembered key, a repeat answered from the stored record (or
 * 409 IDEMPOTENCY_CONFLICT when it asks for something else), 409
 * IDEMPOTENCY_KEY_IN_USE while the key's commit is pending, and keys
 * forgotten after their retention (their records stay findable). Time comes
 * from an injectable clock, so delayed commits and key expiry happen when the
 * book is next looked at. What a record is, and what a repeat must match, is
 * the caller's (`KeyBookRules`).
 */
import { error } from './replies.ts';
import type { Reply } from './replies.ts';

/** What `IdempotentKeyBook.submit` did: answered at once, or accepted an entry that commits at `commitAt`. */
export type KeyBookResult = { kind: 'answered'; reply: Reply } | { kind: 'scheduled'; commitAt: number };

/** How an entry is to be recorded: its key's retention and, for delayed commits, the delay. */
export type KeyBookOptions = {
  /** How long keys are remembered after their record was made (Infinity: forever). */
  keyTtlMs: number;
  /** When set, a new key commits at this time (epoch ms) instead of at once. */
  commitAt?: number;
};

/** What a book records, and how it answers. `E` is what is accepted under a key, `R` the record it becomes. */
export type KeyBookRules<E, R> = {
  /** The record `entry` becomes when it commits at `at` (epoch ms). */
  record(entry: E, at: number): R;
  /** Whether a repeat's `entry` asks for what `existing` was recorded for. */
  same(existing: R, entry: E): boolean;
  /** The answer to the request that made `record`. */
  created(record: R): Reply;
  /** The answer to a matching repeat. */
  replayed(existing: R): Reply;
  /** The IDEMPOTENCY_CONFLICT message, naming the values a repeat must keep. */
  conflict: string;
};

/** A copy of a book: its records oldest first, requests per key, and pending commits (key to ISO time). */
export type KeyBookSnapshot<R> = {
  records: R[];
  requests: Record<string, number>;
  pendingCommits: Record<string, string>;
};

/** Records, in memory, at most one entry per remembered idempotency key. */
export class IdempotentKeyBook<E, R extends object> {
  private readonly records: R[] = [];
  /** Remembered keys and the record stored under each. */
  private readonly keys = new Map<string, { record: R; storedAt: number }>();
  /** The latest record per key, for lookups (which outlive key retention). */
  private readonly latest = new Map<string, R>();
  private readonly pending = new Map<string, { entry: E; commitAt: number }>();
  private readonly requests = new Map<string, number>();
  private readonly rules: KeyBookRules<E, R>;
  private readonly now: () => number;

  // Plain fields, not parameter properties: the simulator runs under Node's type stripping, which refuses them.
  constructor(rules: KeyBookRules<E, R>, now: () => number = Date.now) {
    this.rules = rules;
    this.now = now;
  }

  /** Counts one request that carried this key, whatever its outcome. */
  countRequest(key: string): void {
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** The latest record made under `key`, if any (whether or not the key is still remembered). */
  find(key: string): R | undefined {
    this.commitDue();
    return this.latest.get(key);
  }

  /**
   * Records `entry` under `key` at most once while the key is remembered: a
   * repeat while its commit is pending is 409 IDEMPOTENCY_KEY_IN_USE; a repeat
   * of a remembered key gets `replayed` when `same`, else 409
   * IDEMPOTENCY_CONFLICT. A new key is first put to `admit` (its refusal is the
   * answer), then recorded at once (`created`) or, with `commitAt`, accepted
   * to commit then. A key older than `keyTtlMs` is forgotten, so it records
   * again.
   */
  submit(key: string, entry: E, opts: KeyBookOptions, admit?: () => Reply | undefined): KeyBookResult {
    this.commitDue();
    const answered = (reply: Reply): KeyBookResult => ({ kind: 'answered', reply });
    if (this.pending.has(key)) {
      const message = 'A request with this Idempotency-Key is still being processed; retry later.';
      return answered(error(409, 'IDEMPOTENCY_KEY_IN_USE', message));
    }
    const existing = this.remembered(key, opts.keyTtlMs);
    if (existing) {
      if (this.rules.same(existing, entry)) return answered(this.rules.replayed(existing));
      return answered(error(409, 'IDEMPOTENCY_CONFLICT', this.rules.conflict));
    }
    const refused = admit?.();
    if (refused) return answered(refused);
    if (opts.commitAt !== undefined) {
      this.pending.set(key, { entry, commitAt: opts.commitAt });
      return { kind: 'scheduled', commitAt: opts.commitAt };
    }
    return answered(this.rules.created(this.record(key, entry, this.now())));
  }

  /** Every record made as of the last look (`submit`'s `admit` runs after one), oldest first; read, do not keep. */
  recorded(): readonly R[] {
    return this.records;
  }

  /** The entries accepted but not committed yet. */
  pendingEntries(): E[] {
    return [...this.pending.values()].map((p) => p.entry);
  }

  /** A copy of every record, request count and pending commit. */
  snapshot(): KeyBookSnapshot<R> {
    this.commitDue();
    const pendingCommits: Record<string, string> = {};
    for (const [key, p] of this.pending) pendingCommits[key] = new Date(p.commitAt).toISOString();
    return {
      records: this.records.map((r) => ({ ...r })),
      requests: Object.fromEntries(this.requests),
      pendingCommits,
    };
  }

  /** Forgets every record, pending commit, key and request count. */
  clear(): void {
    this.records.length = 0;
    this.keys.clear();
    this.latest.clear();
    this.pending.clear();
    this.requests.clear();
  }

  /** The record stored under `key`, unless it is older than `ttlMs`: then the key is forgotten for good. */
  private remembered(key: string, ttlMs: number): R | undefined {
    const stored = this.keys.get(key);
    if (stored && this.now() - stored.storedAt < ttlMs) return stored.record;
    this.keys.delete(key);
    return undefined;
  }

  /** Commits every pending entry whose time has come, in commit order. */
  private commitDue(): void {
    const now = this.now();
    const due = [...this.pending].filter(([, p]) => p.commitAt <= now).sort(([, a], [, b]) => a.commitAt - b.commitAt);
    for (const [key, p] of due) {
      this.pending.delete(key);
      this.record(key, p.entry, p.commitAt);
    }
  }

  private record(key: string, entry: E, at: number): R {
    const record = this.rules.record(entry, at);
    this.records.push(record);
    this.keys.set(key, { record, storedAt: at });
    this.latest.set(key, record);
    return record;
  }
}
