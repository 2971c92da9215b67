// FirestoreLedger against the Firestore emulator: the same rules as the memory
// ledger, in as few round trips as the happy path allows.
import { afterAll, describe, expect, it } from 'vitest';
import { FirestoreLedger } from '../../functions/src/payments/ledger/firestoreLedger.js';
import { MemoryLedger } from '../../functions/src/payments/ledger/memoryLedger.js';
import type { FinalizeResult, PaymentLedger } from '../../functions/src/payments/ledger/paymentLedger.js';
import type { PaymentRequest } from '../../functions/src/payments/paymentRequest.js';
import type { RunQuery } from '../../functions/src/resilience/query/runQuery.js';
import { adminDb } from './admin.js';

/** A FirestoreLedger whose every Firestore call is named in `calls` (one entry per round trip or transaction). */
function countingLedger() {
  const db = adminDb();
  const calls: string[] = [];
  const runQuery: RunQuery = (fn, name) => {
    calls.push(name);
    return fn(db);
  };
  return { ledger: new FirestoreLedger(runQuery), calls, db };
}

const request = (transactionId: string): PaymentRequest => ({
  transactionId,
  uid: 'ledger-test',
  amount: 1999,
  currency: 'USD',
  paymentMethod: 'credit_card',
});

describe('FirestoreLedger', () => {
  // These records stand for no provider charge: left behind, they would fail the ledger check of any file after this one.
  afterAll(async () => {
    const mine = await adminDb().collection('payments').where('uid', '==', 'ledger-test').get();
    await Promise.all(mine.docs.map((d) => d.ref.delete()));
  });

  it('claims a new id with one write and records the outcome with one conditional write', async () => {
    const { ledger, calls } = countingLedger();
    const id = `led_fast_${Date.now()}`;
    const claim = await ledger.claim(request(id), 30_000);
    expect(claim.kind).toBe('claimed');
    if (claim.kind !== 'claimed') return;
    expect(calls).toEqual(['payments.create']);
    const r = await ledger.finalize(
      id,
      claim.claimId,
      { status: 'succeeded', attempts: 1, chargeId: 'ch_1' },
      {
        record: claim.record,
        version: claim.version,
      },
    );
    expect(r).toEqual({ written: true, claimLost: false, conflict: null });
    expect(calls).toEqual(['payments.create', 'payments.finalizeFast']);
    expect(await ledger.get(id)).toMatchObject({
      status: 'succeeded',
      chargeId: 'ch_1',
      claimId: null,
      leaseUntil: null,
    });
  });

  it('replays a final record with a failed create and one read, no transaction', async () => {
    const { ledger, calls } = countingLedger();
    const id = `led_replay_${Date.now()}`;
    const claim = await ledger.claim(request(id), 30_000);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await ledger.finalize(id, claim.claimId, { status: 'declined', attempts: 1, chargeId: 'ch_d', declineCode: 'x' });
    calls.length = 0;
    expect(await ledger.claim(request(id), 30_000)).toMatchObject({ kind: 'replay', record: { status: 'declined' } });
    expect(calls).toEqual(['payments.create', 'payments.get']);
  });

  it('falls back to the transaction when the record changed since the claim', async () => {
    const { ledger, calls, db } = countingLedger();
    const id = `led_changed_${Date.now()}`;
    const claim = await ledger.claim(request(id), 30_000);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await db.doc(`payments/${id}`).update({ leaseUntil: Date.now() + 60_000 }); // e.g. a lease renewal
    const r = await ledger.finalize(
      id,
      claim.claimId,
      { status: 'succeeded', attempts: 1, chargeId: 'ch_2' },
      {
        record: claim.record,
        version: claim.version,
      },
    );
    expect(r.written).toBe(true);
    expect(calls.slice(-2)).toEqual(['payments.finalizeFast', 'payments.finalize']);
    expect(await ledger.get(id)).toMatchObject({ status: 'succeeded', chargeId: 'ch_2', claimId: null });
  });

  it('makes the same decisions as the memory ledger', async () => {
    // A finalize's final record without its times (each ledger reads its own clock).
    const decided = ({ final, ...r }: FinalizeResult) => {
      if (!final) return r;
      const { status, attempts, chargeId, claimId } = final;
      return { ...r, final: { status, attempts, chargeId, claimId } };
    };
    const run = async (ledger: PaymentLedger, id: string) => {
      const seen: unknown[] = [];
      const first = await ledger.claim(request(id), 30_000);
      if (first.kind !== 'claimed') throw new Error('expected a claim');
      seen.push(await ledger.claim(request(id), 30_000).catch((e: { code?: string }) => e.code));
      seen.push(await ledger.claim({ ...request(id), uid: 'other' }, 30_000).catch((e: { code?: string }) => e.code));
      seen.push(await ledger.claim({ ...request(id), amount: 1 }, 30_000).catch((e: { code?: string }) => e.code));
      seen.push(
        decided(await ledger.finalize(id, first.claimId, { status: 'unknown', attempts: 3, openAttemptAt: 5 })),
      );
      const again = await ledger.claim(request(id), 30_000);
      seen.push(again.kind === 'claimed' ? { resolveFirst: again.resolveFirst, settleFrom: again.settleFrom } : again);
      if (again.kind !== 'claimed') return seen;
      seen.push(decided(await ledger.finalize(id, first.claimId, { status: 'failed', attempts: 3 })));
      seen.push(
        decided(await ledger.finalize(id, again.claimId, { status: 'succeeded', attempts: 3, chargeId: 'ch' })),
      );
      seen.push(decided(await ledger.finalize(id, again.claimId, { status: 'failed', attempts: 4 })));
      const { status, attempts, chargeId, openAttemptAt, claimId } = (await ledger.get(id))!;
      seen.push({ status, attempts, chargeId, openAttemptAt, claimId });
      return seen;
    };
    const t = Date.now();
    const fromFirestore = await run(countingLedger().ledger, `led_parity_${t}`);
    const fromMemory = await run(new MemoryLedger(), `led_parity_${t}`);
    expect(fromFirestore).toEqual(fromMemory);
    // The failed outcome over the final record kept its status and raised the attempt tally.
    expect(fromFirestore.at(-1)).toEqual({
      status: 'succeeded',
      attempts: 4,
      chargeId: 'ch',
      openAttemptAt: 5,
      claimId: null,
    });
    expect(fromFirestore).toContain('PAYMENT_IN_PROGRESS');
    expect(fromFirestore).toContain('PAYMENT_FORBIDDEN');
    expect(fromFirestore).toContain('PAYMENT_CONFLICT');
  });
});
