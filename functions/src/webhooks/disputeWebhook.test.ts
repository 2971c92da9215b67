/**
 * Stripe's dispute events through the webhook (handleStripeWebhook) with a
 * MemoryLedger and events signed by the Stripe fake's signer: the payment's
 * `dispute`, the ledger health, the history and the told events, with
 * repeats and out-of-order deliveries.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import type { MemoryLedger } from '../payments/ledger/memoryLedger.js';
import { requestHash } from '../payments/ledger/paymentLedger.js';
import { handleStripeWebhook, type StripeWebhookDeps } from './stripeWebhook.js';
import { loadStripeFake, type StripeFakeModule } from './testing/stripeFake.js';
import { webhookWorld, type LoggedEvent } from './testing/webhookWorld.js';

const SECRET = 'whsec_unit_secret';
const T0 = 1_800_000_000_000;
const DUE_SEC = T0 / 1000 + 7 * 86_400;
let sign: StripeFakeModule['stripeSignature'];
let clock: number;
let ledger: MemoryLedger;
let logged: LoggedEvent[];
let deps: StripeWebhookDeps;
let seq = 0;

beforeAll(async () => {
  sign = (await loadStripeFake()).stripeSignature;
});
beforeEach(() => {
  clock = T0;
  ({ ledger, logged, deps } = webhookWorld(SECRET, () => clock));
  const base = { uid: 'u1', amount: 1999, currency: 'USD', paymentMethod: 'credit_card' as const };
  const at = T0 - 86_400_000;
  ledger.put('tx1', {
    ...{ ...base, status: PaymentStatus.succeeded, attempts: 1, requestHash: requestHash(base) },
    ...{ providerRef: 'pi_1', chargeId: 'ch_1', createdAt: at, updatedAt: at },
  });
});

/** A dispute event as Stripe sends it, created at `createdSec`. */
function disputeEvent(type: string, over: Record<string, unknown> = {}, createdSec = Math.floor(clock / 1000)) {
  return {
    ...{ id: `evt_d${++seq}`, object: 'event', type, created: createdSec, livemode: false },
    data: {
      object: {
        ...{ id: 'dp_1', object: 'dispute', amount: 1999, currency: 'usd', charge: 'ch_1', payment_intent: 'pi_1' },
        ...{ reason: 'fraudulent', status: 'needs_response', evidence_details: { due_by: DUE_SEC } },
        ...over,
      },
    },
  };
}

function deliver(event: object) {
  const payload = JSON.stringify(event);
  const signature = sign(payload, SECRET, Math.floor(clock / 1000));
  return handleStripeWebhook(deps, { rawBody: Buffer.from(payload), signature });
}

const disputeHistory = async () =>
  (await ledger.listEvents('tx1'))
    .filter((e) => e.type.startsWith('dispute.'))
    .map((e) => `${e.type} ${String(e.details.disputeStatus)}${e.details.funds ? ` ${String(e.details.funds)}` : ''}`);

describe('dispute events', () => {
  it('opened, funds withdrawn, closed: on the payment, in the health, in the history, told; the status stays', async () => {
    const opened = await deliver(disputeEvent('charge.dispute.created'));
    expect(opened).toEqual({ status: 200, body: { received: true, outcome: 'dispute-opened' } });
    const dispute = { id: 'dp_1', status: 'needs_response', reason: 'fraudulent', amount: 1999 };
    expect(await ledger.get('tx1')).toMatchObject({
      status: 'succeeded',
      dispute: { ...dispute, evidenceDueBy: DUE_SEC * 1000 },
    });
    expect(await ledger.health(clock)).toMatchObject({ openDisputes: 1, nextEvidenceDueAt: DUE_SEC * 1000 });
    expect(logged.find((t) => t.event === 'dispute.opened')?.fields).toMatchObject({
      ...{ transactionId: 'tx1', uid: 'u1', disputeId: 'dp_1', amount: 1999, currency: 'USD' },
      evidenceDueBy: DUE_SEC * 1000,
    });
    clock += 1000;
    await deliver(disputeEvent('charge.dispute.funds_withdrawn'));
    clock += 1000;
    const closed = await deliver(disputeEvent('charge.dispute.closed', { status: 'won' }));
    expect(closed.body.outcome).toBe('dispute-closed');
    expect(await ledger.get('tx1')).toMatchObject({ status: 'succeeded', dispute: { status: 'won' } });
    expect(await ledger.health(clock)).toMatchObject({ openDisputes: 0, nextEvidenceDueAt: null });
    expect(await disputeHistory()).toEqual([
      'dispute.opened needs_response',
      'dispute.updated needs_response withdrawn',
      'dispute.closed won',
    ]);
    const last = (await ledger.listEvents('tx1')).at(-1)!;
    expect(last).toMatchObject({ statusBefore: 'succeeded', statusAfter: 'succeeded', reason: 'won' });
    expect(last.actor.kind).toBe('function');
    expect(logged.map((t) => t.event).filter((t) => t.startsWith('dispute.'))).toEqual([
      'dispute.opened',
      'dispute.updated',
      'dispute.closed',
    ]);
  });

  it('a repeated delivery is answered duplicate; an older event and a reopening change nothing', async () => {
    const created = disputeEvent('charge.dispute.created');
    await deliver(created);
    expect((await deliver(created)).body.outcome).toBe('duplicate');
    clock += 5000;
    await deliver(disputeEvent('charge.dispute.updated', { status: 'under_review' }));
    // Sent before the update, delivered after it.
    const older = disputeEvent('charge.dispute.updated', { status: 'needs_response' }, Math.floor(T0 / 1000));
    expect((await deliver(older)).body.outcome).toBe('stale');
    clock += 5000;
    await deliver(disputeEvent('charge.dispute.closed', { status: 'lost' }));
    clock += 5000;
    const reopen = await deliver(disputeEvent('charge.dispute.updated', { status: 'under_review' }));
    expect(reopen.body.outcome).toBe('stale');
    expect(await ledger.get('tx1')).toMatchObject({ dispute: { status: 'lost' }, openDisputeDueBy: null });
    expect(await disputeHistory()).toEqual([
      'dispute.opened needs_response',
      'dispute.updated under_review',
      'dispute.closed lost',
    ]);
  });

  it('a dispute on a PaymentIntent no record holds is told as unmatched and changes no payment', async () => {
    const r = await deliver(disputeEvent('charge.dispute.created', { payment_intent: 'pi_other' }));
    expect(r).toEqual({ status: 200, body: { received: true, outcome: 'unknown-transaction' } });
    expect(logged.find((t) => t.event === 'dispute.unmatched')?.fields).toMatchObject({ paymentIntent: 'pi_other' });
    expect((await ledger.get('tx1'))!.dispute).toBeUndefined();
    expect(await ledger.health(clock)).toMatchObject({ openDisputes: 0 });
  });

  it('answers 500 (deliver again) and remembers nothing when the ledger fails', async () => {
    ledger.applyDispute = () => Promise.reject(new Error('firestore down'));
    const e = disputeEvent('charge.dispute.created');
    expect((await deliver(e)).status).toBe(500);
    expect(await deps.events.seen(e.id)).toBe(false);
  });
});
