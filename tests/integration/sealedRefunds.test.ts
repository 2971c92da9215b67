// The refund seal through the callables (generic mode): getPayment hands an admin
// `refundSeal`, refundPayment takes it back. A seal only saves a read: with a
// fresh, stale, reused, forged or another admin's seal every refund decides as
// without one, and the seal (and SEAL_KEY) never reach the logs. After every test
// the simulator's refunds and the ledger's agree (ledgerCheck.ts).
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth as adminAuth } from 'firebase-admin/auth';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  AdminPaymentDetail,
  GetPaymentResult,
  ProcessPaymentResult,
  RefundPaymentResult,
} from '../../functions/src/api/index.js';
import { PROJECT_ID, USERS, errorOf, session, type Session } from './client.js';
import { eachTestFromACleanProvider } from './ledgerCheck.js';
import { refunds } from './simulator.js';

const PREFIX = 'sr_';
// Base 36: a run of 13+ decimal digits (a Date.now()) that passes Luhn is masked in the logs as a possible
// card number, and the test looks its refundIds up in the shipped logs.
const unique = (tag: string) => `${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
const sealKey = /^SEAL_KEY=(.*)$/m
  .exec(readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8'))![1]!
  .trim();
const cloudwatch = new CloudWatchLogsClient({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4586',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** Every message the functions shipped to the local CloudWatch endpoint, as text. */
async function shippedLogs(): Promise<string[]> {
  const group = '/payments/local';
  const streams = (await cloudwatch.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
  const out: string[] = [];
  for (const s of streams) {
    const get = new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true });
    for (const e of (await cloudwatch.send(get)).events ?? []) out.push(e.message!);
  }
  return out;
}

/** A fresh admin (the claim set before signing in, so the ID token carries it). */
async function freshAdmin(): Promise<Session> {
  const app = getApps().find((a) => a.name === 'sealed') ?? initializeApp({ projectId: PROJECT_ID }, 'sealed');
  const email = `seal-admin-${unique('a')}@example.com`;
  const password = 'admin-password-123';
  const { uid } = await adminAuth(app).createUser({ email, password });
  await adminAuth(app).setCustomUserClaims(uid, { admin: true });
  return session({ email, password });
}

describe('refund seals through getPayment and refundPayment', () => {
  let user: Session, admin: Session, other: Session;
  const paid = async (amount: number) => {
    const transactionId = `${PREFIX}${unique('pay')}`;
    const res = await user.call<ProcessPaymentResult>('processPayment', {
      amount,
      paymentMethod: 'credit_card',
      transactionId,
    });
    expect(res).toMatchObject({ status: 'succeeded' });
    return transactionId;
  };
  const sealOf = async (s: Session, transactionId: string) => {
    const detail = await s.call<AdminPaymentDetail>('getPayment', { transactionId });
    expect(typeof detail.refundSeal).toBe('string');
    return detail.refundSeal!;
  };
  const refund = (transactionId: string, refundId: string, amount: number, seal?: string) =>
    admin.call<RefundPaymentResult>('refundPayment', { transactionId, refundId, amount, seal });

  beforeAll(async () => {
    [user, admin, other] = await Promise.all([session('new'), session(USERS.admin), freshAdmin()]);
  });
  eachTestFromACleanProvider(() => admin, PREFIX);
  afterAll(async () => {
    await Promise.all([user, admin, other].map((s) => s?.close()));
  });

  it('refunds with the seal of getPayment, then with it stale, deciding as without; nothing of it in the logs', async () => {
    const id = await paid(20);
    const seal = await sealOf(admin, id);
    // Opaque: nothing of the payment is readable in it.
    const bytes = Buffer.from(seal, 'base64url').toString('latin1');
    for (const visible of [id, 'succeeded', 'USD', '2000', 'userLimits']) expect(bytes).not.toContain(visible);
    const [r1, r2, r3] = [unique('s1'), unique('s2'), unique('s3')];
    expect(await refund(id, r1, 5, seal)).toMatchObject({ status: 'succeeded', amount: 5, refundedAmount: 5 });
    // The same seal is stale now (the first refund moved the payment): the refund reads, and is right.
    expect(await refund(id, r2, 15, seal)).toMatchObject({ status: 'succeeded', amount: 15, refundedAmount: 20 });
    const over = await errorOf(refund(id, r3, 1, seal));
    expect(over).toMatchObject({ code: 'failed-precondition', details: { refundable: 0 } });
    // A replay with the seal is a replay.
    expect(await refund(id, r1, 5, seal)).toMatchObject({ replayed: true, refundedAmount: 20 });
    const provider = (await refunds()).refunds.filter((r) => r.transactionId === id);
    expect(provider.map((r) => [r.refundId, r.amount])).toEqual([
      [r1, 500],
      [r2, 1500],
    ]);
    // No seal for a payment with nothing left to refund, nor for its owner.
    expect('refundSeal' in (await admin.call<GetPaymentResult>('getPayment', { transactionId: id }))).toBe(false);
    const fresh = await paid(3);
    expect('refundSeal' in (await user.call<GetPaymentResult>('getPayment', { transactionId: fresh }))).toBe(false);
    const shipped = await vi.waitFor(
      async () => {
        await admin.call('getPayment', { transactionId: id });
        const all = await shippedLogs();
        expect(all.filter((m) => m.includes(r2) && m.includes('refund.completed'))).not.toHaveLength(0);
        return all.join('\n');
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(shipped).not.toContain(seal);
    expect(shipped).not.toContain(sealKey);
  });

  it("ignores another admin's seal, an altered one and one of another payment: the refunds are right", async () => {
    const id = await paid(10);
    const elsewhere = await paid(10);
    const others = await sealOf(other, id);
    const mine = await sealOf(admin, id);
    // A character in the middle (the last one may carry only padding bits).
    const altered = `${mine.slice(0, 40)}${mine[40] === 'A' ? 'B' : 'A'}${mine.slice(41)}`;
    const otherPayment = await sealOf(admin, elsewhere);
    const amounts: number[] = [];
    for (const [k, seal] of [others, altered, otherPayment].entries()) {
      const res = await refund(id, unique(`f${k}`), 3, seal);
      amounts.push(res.refundedAmount);
      expect(res).toMatchObject({ status: 'succeeded', amount: 3, replayed: false });
    }
    expect(amounts).toEqual([3, 6, 9]);
    expect(await errorOf(refund(id, unique('f3'), 2, others))).toMatchObject({ code: 'failed-precondition' });
    expect((await refunds()).refunds.filter((r) => r.transactionId === elsewhere)).toEqual([]);
    // A seal longer than refundPayment accepts is a bad request: nothing written, nothing sent.
    const long = await errorOf(refund(id, unique('f4'), 1, 'A'.repeat(2049)));
    expect(long).toMatchObject({ code: 'invalid-argument' });
    expect((await refunds()).refunds.filter((r) => r.transactionId === id)).toHaveLength(3);
  });
});
