/**
 * Stripe's idempotency rules for POST requests, per key: the first request
 * that starts executing saves its status and body (500s included) and every
 * repeat with the same parameters gets them back; other parameters (or another
 * endpoint) get 400 `idempotency_error`; a repeat while the first is still
 * executing gets 409 `idempotency_key_in_use`; a refusal before execution
 * (validation) saves nothing; keys are forgotten 24 h after they were saved,
 * on a clock tests can move.
 */
import { stripeError } from './wire.ts';
import type { Reply } from './wire.ts';

/** How long a saved result is kept (Stripe prunes keys "at least 24 hours old"). */
export const KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

type Entry =
  { state: 'running'; fingerprint: string } | { state: 'saved'; fingerprint: string; reply: Reply; savedAt: number };

/** What to do with a request that carries an idempotency key. */
export type KeyDecision =
  /** New (or forgotten) key: execute, then `save` or `release`. */
  | { kind: 'execute' }
  /** Answer this without executing (a replay, a conflict or a key in use). */
  | { kind: 'answer'; reply: Reply };

/** The keys the fake remembers. */
export class IdempotencyKeys {
  private readonly entries = new Map<string, Entry>();
  private readonly requests = new Map<string, number>();

  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Decides a request with `key` and the request's fingerprint (method, path, parameters). */
  begin(key: string, fingerprint: string): KeyDecision {
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let entry = this.entries.get(key);
    if (entry?.state === 'saved' && this.now() - entry.savedAt >= KEY_RETENTION_MS) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (!entry) {
      this.entries.set(key, { state: 'running', fingerprint });
      return { kind: 'execute' };
    }
    if (entry.fingerprint !== fingerprint) {
      return {
        kind: 'answer',
        reply: stripeError(400, {
          type: 'idempotency_error',
          message:
            'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
            'Try using a key other than this one if you meant to execute a different request.',
        }),
      };
    }
    if (entry.state === 'running') {
      return {
        kind: 'answer',
        reply: stripeError(409, {
          type: 'invalid_request_error',
          code: 'idempotency_key_in_use',
          message:
            'There is currently another in-progress request using this Idempotency-Key; retry this request later.',
        }),
      };
    }
    const saved = entry.reply;
    return { kind: 'answer', reply: { ...saved, headers: { ...saved.headers, 'Idempotent-Replayed': 'true' } } };
  }

  /** Saves the result of an executed request under its key. */
  save(key: string, reply: Reply): void {
    const entry = this.entries.get(key);
    if (entry?.state !== 'running') return;
    this.entries.set(key, { state: 'saved', fingerprint: entry.fingerprint, reply, savedAt: this.now() });
  }

  /** Forgets a running key whose request was refused before executing, or never finished. */
  release(key: string): void {
    if (this.entries.get(key)?.state === 'running') this.entries.delete(key);
  }

  /** POST requests received per idempotency key, whatever their outcome. */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.requests);
  }

  clear(): void {
    this.entries.clear();
    this.requests.clear();
  }
}
