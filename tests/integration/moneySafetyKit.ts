// Helpers of the money-safety tests: callable errors, ledger watches, commits at the
// simulator, old ledger records, and an in-process reconciliation pass.
import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { FirestoreLedger, GenericProvider, reconcilePayments } from '../../functions/src/payments/index.js';
import type { PaymentRecord, ReconcileReport } from '../../functions/src/payments/index.js';
import { requestHash } from '../../functions/src/payments/ledger/paymentLedger.js';
import { shardOf } from '../../functions/src/payments/ledger/paymentShards.js';
import { HttpPoolManager } from '../../functions/src/resilience/http/index.js';
import { adminDb } from './admin.js';
import { ledger, SIMULATOR_URL } from './simulator.js';

const apiKey = /PAYMENT_API_KEY=(.*)/
  .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
  .trim();

/** A transactionId no other test uses (the callable allows letters, digits, "_" and "-", at most 64). */
export const newTxn = (tag: string) => `ms_${tag}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;

/** What a failed callable answered: code without the `functions/` prefix, and details. */
export interface CallError {
  code: string;
  details: Record<string, unknown> | undefined;
}

/** Runs a callable and gives its error, or `{ code: 'ok' }` with the data as details when it succeeded. */
export async function outcomeOf(p: Promise<unknown>): Promise<CallError> {
  try {
    return { code: 'ok', details: (await p) as Record<string, unknown> };
  } catch (err) {
    const e = err as { code: string; details?: Record<string, unknown> };
    return { code: e.code.replace(/^functions\//, ''), details: e.details };
  }
}

/** The Firestore ledger record of a payment. */
export async function recordOf(transactionId: string): Promise<PaymentRecord | undefined> {
  return (await adminDb().doc(`payments/${transactionId}`).get()).data() as PaymentRecord | undefined;
}

/**
 * Listens to the ledger records of `ids` and keeps every status they show,
 * with the time it was seen, so a test can say that a record never said
 * `failed` while the provider could still charge it.
 */
export function watchStatuses(ids: string[]) {
  const seen = new Map<string, Array<{ status: string; at: number }>>(ids.map((id) => [id, []]));
  const stops = ids.map((id) =>
    adminDb()
      .doc(`payments/${id}`)
      .onSnapshot((snap) => {
        const status = snap.get('status') as string | undefined;
        if (status !== undefined) seen.get(id)!.push({ status, at: Date.now() });
      }),
  );
  return {
    /** Statuses `id` showed before `t` (epoch ms), oldest first. */
    before: (id: string, t: number) =>
      seen
        .get(id)!
        .filter((s) => s.at < t)
        .map((s) => s.status),
    stop: () => stops.forEach((stop) => stop()),
  };
}

/** When the simulator commits the pending charge of `transactionId` (epoch ms); throws when none is pending. */
export async function commitTimeOf(transactionId: string): Promise<number> {
  const at = (await ledger()).pendingCommits[transactionId];
  if (at === undefined) throw new Error(`no commit pending for ${transactionId}`);
  return Date.parse(at);
}

/** Waits until the simulator has committed the charges of `ids`, and returns them. */
export function committedCharges(ids: string[], timeoutMs = 30_000) {
  return vi.waitFor(
    async () => {
      const { charges } = await ledger();
      const mine = charges.filter((c) => ids.includes(c.transactionId));
      if (ids.every((id) => mine.some((c) => c.transactionId === id))) return mine;
      throw new Error(`charges of ${ids.join(', ')} not committed within ${timeoutMs} ms`);
    },
    { timeout: timeoutMs, interval: 200 },
  );
}

/** Charges at the simulator directly, as an earlier call of the backend would have. */
export async function chargeAtProvider(transactionId: string, amount: number): Promise<{ id: string }> {
  const res = await fetch(`${SIMULATOR_URL}/charge`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${apiKey}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': transactionId,
    },
    body: JSON.stringify({ amount, currency: 'USD', paymentMethod: 'credit_card', transactionId }),
  });
  if (res.status !== 201) throw new Error(`simulator charge ${transactionId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** Writes a ledger record of `uid` for `amount` minor units USD by credit card, last touched `ageMs` ago. */
export async function writeOldRecord(
  transactionId: string,
  uid: string,
  status: 'failed' | 'unknown',
  amount: number,
  ageMs: number,
): Promise<void> {
  const at = Date.now() - ageMs;
  const request = { amount, currency: 'USD', paymentMethod: 'credit_card' as const };
  const record: PaymentRecord = {
    uid,
    ...request,
    status,
    attempts: 1,
    requestHash: requestHash(request),
    openAttemptAt: status === 'unknown' ? at : null,
    error: { code: status === 'unknown' ? 'SETTLING' : 'PROVIDER_UNAVAILABLE', message: 'written by the test' },
    createdAt: at,
    updatedAt: at,
  };
  // Stored as the ledger stores a record, index shard included (paymentShards.ts).
  await adminDb()
    .doc(`payments/${transactionId}`)
    .set({ ...record, shard: shardOf(transactionId) });
}

/**
 * One reconciliation pass in-process (as the scheduled function runs it) over
 * the emulator's Firestore and the simulator, through a pool of its own.
 * `settleMs` is the window in which "not found" proves nothing.
 */
export async function reconcileNow(settleMs: number): Promise<ReconcileReport> {
  const pool = new HttpPoolManager();
  try {
    const provider = new GenericProvider(pool, {
      baseUrl: SIMULATOR_URL,
      apiKey,
      maxSockets: 4,
      attemptTimeoutMs: 5000,
    });
    const db = adminDb();
    return await reconcilePayments({
      settleMs,
      budgetMs: 45_000,
      ledger: new FirestoreLedger((fn) => fn(db)),
      provider,
    });
  } finally {
    pool.destroy();
  }
}
