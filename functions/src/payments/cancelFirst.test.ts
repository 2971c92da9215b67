import { describe, expect, it } from 'vitest';
import { afterCancel, cancelFirst, type AfterCancel, type NotChargedReason } from './cancelFirst.js';
import type { CancelAnswer } from './provider/paymentProvider.js';
import { ScriptedProvider } from './testing/scriptedProvider.js';

// What each cancel answer means for a payment the ledger would record not charged, per reason (docs/stripe.md).

const charge = { kind: 'succeeded', chargeId: 'ch_1', amount: 2599, currency: 'USD' } as const;
const answers: Record<string, CancelAnswer> = {
  canceled: { kind: 'canceled' },
  'not-found': { kind: 'not-found' },
  found: { kind: 'found', charge },
  processing: { kind: 'not-cancelable', state: 'processing' },
  'other state': { kind: 'not-cancelable', state: 'requires_capture' },
  unsupported: { kind: 'unsupported' },
  unavailable: { kind: 'unavailable', reason: 'HTTP 500' },
};

const table: [string, Record<NotChargedReason, AfterCancel>][] = [
  [
    'canceled',
    {
      decline: { kind: 'not-charged', status: 'declined' },
      unknown: { kind: 'not-charged', status: 'canceled' },
      abandoned: { kind: 'not-charged', status: 'canceled' },
    },
  ],
  [
    'not-found',
    {
      decline: { kind: 'not-charged', status: 'declined' },
      unknown: { kind: 'not-charged', status: 'failed' },
      abandoned: { kind: 'not-charged', status: 'failed' },
    },
  ],
  [
    'found',
    {
      decline: { kind: 'charged', charge },
      unknown: { kind: 'charged', charge },
      abandoned: { kind: 'charged', charge },
    },
  ],
  [
    'processing',
    {
      decline: { kind: 'waiting', status: 'processing' },
      unknown: { kind: 'waiting', status: 'processing' },
      abandoned: { kind: 'waiting', status: 'processing' },
    },
  ],
  [
    'other state',
    {
      decline: { kind: 'open', reason: 'the provider could not cancel a payment in state requires_capture' },
      unknown: { kind: 'open', reason: 'the provider could not cancel a payment in state requires_capture' },
      abandoned: { kind: 'open', reason: 'the provider could not cancel a payment in state requires_capture' },
    },
  ],
  ['unsupported', { decline: { kind: 'no-cancel' }, unknown: { kind: 'no-cancel' }, abandoned: { kind: 'no-cancel' } }],
  [
    'unavailable',
    {
      decline: { kind: 'waiting', status: 'requires_payment_method' },
      unknown: { kind: 'open', reason: 'cancel unanswered: HTTP 500' },
      abandoned: { kind: 'open', reason: 'cancel unanswered: HTTP 500' },
    },
  ],
];

describe('afterCancel', () => {
  it.each(table)('cancel answered %s', (name, byReason) => {
    for (const reason of ['decline', 'unknown', 'abandoned'] as const) {
      expect({ reason, after: afterCancel(reason, answers[name]!) }).toEqual({ reason, after: byReason[reason] });
    }
  });
});

describe('cancelFirst', () => {
  const req = { transactionId: 'tx1', uid: 'u1', amount: 2599, currency: 'USD', paymentMethod: 'credit_card' as const };

  it("cancels the provider's own payment and reads the answer", async () => {
    const provider = new ScriptedProvider();
    provider.cancels.push({ kind: 'canceled' });
    expect(await cancelFirst(provider, 'pi_1', req, 'unknown', 2000)).toEqual({
      kind: 'not-charged',
      status: 'canceled',
    });
    expect(provider.calls).toMatchObject([{ op: 'cancel', ref: 'pi_1', timeoutMs: 2000 }]);
  });

  it('sends nothing when the provider made no payment of its own (its reference is the transactionId)', async () => {
    const provider = new ScriptedProvider();
    provider.cancels.push({ kind: 'canceled' });
    expect(await cancelFirst(provider, 'tx1', req, 'unknown', 2000)).toEqual({ kind: 'no-cancel' });
    expect(provider.calls).toEqual([]);
  });
});
