import { doc, getDoc, getDocs, setDoc, collection, addDoc } from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminDb } from './admin.js';
import { session, type Session } from './client.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return String((err as { code?: string }).code);
  }
}

describe('Firestore security rules (emulator)', () => {
  let owner: Session, other: Session, anon: Session;
  const txn = `rules_${Date.now()}`;
  beforeAll(async () => {
    [owner, other, anon] = await Promise.all([session('new'), session('new'), session()]);
    await adminDb().doc(`payments/${txn}`).set({ uid: owner.uid, amount: 100, currency: 'USD', status: 'succeeded' });
    await adminDb().doc('breakers/payment-service').set({ state: 'closed' }, { merge: true });
    await adminDb()
      .doc(`payments/${txn}/events/e1`)
      .set({ type: 'claimed', at: 1, actor: { kind: 'user', uid: owner.uid } });
  });
  afterAll(async () => Promise.all([owner, other, anon].map((s) => s?.close())));

  it('lets the owner read their own payment record', async () => {
    const snap = await getDoc(doc(owner.db, 'payments', txn));
    expect(snap.data()?.uid).toBe(owner.uid);
  });

  it("denies another user's and anonymous reads of a payment", async () => {
    expect(await codeOf(getDoc(doc(other.db, 'payments', txn)))).toBe('permission-denied');
    expect(await codeOf(getDoc(doc(anon.db, 'payments', txn)))).toBe('permission-denied');
  });

  it('denies every client write, even to the owner’s own record', async () => {
    expect(await codeOf(setDoc(doc(owner.db, 'payments', txn), { status: 'succeeded', uid: owner.uid }))).toBe(
      'permission-denied',
    );
    expect(await codeOf(setDoc(doc(owner.db, 'payments', 'new_one'), { uid: owner.uid }))).toBe('permission-denied');
    expect(await codeOf(addDoc(collection(owner.db, 'anything'), { a: 1 }))).toBe('permission-denied');
  });

  it("denies every client a payment's history, the owner's included: no read, list, write or addition", async () => {
    const events = (s: Session) => collection(s.db, 'payments', txn, 'events');
    for (const s of [owner, other, anon]) {
      expect(await codeOf(getDoc(doc(events(s), 'e1')))).toBe('permission-denied');
      expect(await codeOf(getDocs(events(s)))).toBe('permission-denied');
      expect(await codeOf(setDoc(doc(events(s), 'e1'), { type: 'claimed' }))).toBe('permission-denied');
      expect(await codeOf(addDoc(events(s), { type: 'claimed' }))).toBe('permission-denied');
    }
    // The admin's copy is as written.
    expect((await adminDb().doc(`payments/${txn}/events/e1`).get()).get('type')).toBe('claimed');
  });

  it('denies reads of internal collections', async () => {
    expect(await codeOf(getDoc(doc(owner.db, 'breakers', 'payment-service')))).toBe('permission-denied');
    expect(await codeOf(getDoc(doc(owner.db, 'stats', 'x')))).toBe('permission-denied');
    // Instance snapshots carry the incident timeline (transactionIds of unknown payments): admins read it via the callable.
    expect(await codeOf(getDoc(doc(owner.db, 'instances', 'any')))).toBe('permission-denied');
  });
});
