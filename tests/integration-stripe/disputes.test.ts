// Disputes (Stripe mode): a dispute opened and closed through the Stripe fake's signed
// charge.dispute.* webhooks appears on the payment, in the ledger health and in the history.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerHealth, PaymentHistoryEvent, ProcessPaymentResult } from '../../functions/src/api/index.js';
import { FirestoreLedger } from '../../functions/src/payments/index.js';
import { adminDb } from '../integration/admin.js';
import { USERS, session, type Session } from '../integration/client.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { recordOf, txnIds } from './records.js';
import { changeDispute, intentsOf, openDispute, warmWebhook, webhooksDelivered } from './stripeFake.js';

const txn = txnIds('dp');

const historyOf = (id: string): Promise<PaymentHistoryEvent[]> => {
  const db = adminDb();
  return new FirestoreLedger((fn) => fn(db)).listEvents(id);
};

describe('disputes through the functions emulator', () => {
  let user: Session, admin: Session;
  const health = async () => (await admin.call<{ ledger: LedgerHealth }>('getConnectionPoolStats', {})).ledger;

  beforeAll(async () => {
    [user, admin] = await Promise.all([session('new'), session(USERS.admin), warmWebhook()]);
  });
  afterEach(async () => {
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => Promise.all([user, admin].map((s) => s?.close())));

  it('opened, then won: on the payment, in the ledger health and in the history; the payment stays succeeded', async () => {
    const id = txn('won');
    const paid = await user.call<ProcessPaymentResult>('processPayment', {
      ...{ amount: 40, paymentMethod: 'credit_card', transactionId: id, paymentMethodId: 'pm_card_visa' },
    });
    expect(paid).toMatchObject({ status: 'succeeded' });
    const [pi] = await intentsOf(id);
    const before = await health();
    // Due in two days: sooner than any other open dispute's default of seven.
    const dueBySec = Math.floor(Date.now() / 1000) + 2 * 86_400;
    const dispute = await openDispute({
      paymentIntent: pi!.id,
      reason: 'product_not_received',
      evidenceDueBy: dueBySec,
    });
    await webhooksDelivered();
    await vi.waitFor(async () => expect((await recordOf(id))?.dispute?.status).toBe('needs_response'), 15_000);
    expect(await recordOf(id)).toMatchObject({
      status: 'succeeded',
      dispute: { id: dispute.id, reason: 'product_not_received', amount: 4000, evidenceDueBy: dueBySec * 1000 },
    });
    const opened = await health();
    expect(opened.openDisputes).toBe(before.openDisputes + 1);
    expect(opened.nextEvidenceDueAt).toBe(dueBySec * 1000);

    await changeDispute(dispute.id, { status: 'under_review' });
    await webhooksDelivered();
    await vi.waitFor(async () => expect((await recordOf(id))?.dispute?.status).toBe('under_review'), 15_000);
    await changeDispute(dispute.id, { status: 'won' });
    await webhooksDelivered();
    await vi.waitFor(async () => expect((await recordOf(id))?.dispute?.status).toBe('won'), 15_000);
    expect((await recordOf(id))!.status).toBe('succeeded');
    const closed = await health();
    expect(closed.openDisputes).toBe(before.openDisputes);
    expect(closed.nextEvidenceDueAt).toBe(before.nextEvidenceDueAt);

    // Stripe (and the fake) deliver concurrently: created and funds_withdrawn (closed and funds_reinstated)
    // may land in either order, so a funds event can be the one that opens (closes) the dispute.
    const disputeEvents = (await historyOf(id)).filter((e) => e.type.startsWith('dispute.'));
    const types = disputeEvents.map((e) => e.type);
    expect(types[0]).toBe('dispute.opened');
    expect(types.filter((t) => t === 'dispute.opened')).toHaveLength(1);
    expect(types.filter((t) => t === 'dispute.closed')).toHaveLength(1);
    const review = disputeEvents.findIndex((e) => e.details.disputeStatus === 'under_review');
    const close = types.indexOf('dispute.closed');
    expect(review).toBeGreaterThan(0);
    expect(close).toBeGreaterThan(review);
    expect(disputeEvents[close]).toMatchObject({ reason: 'won', details: { disputeStatus: 'won' } });
    expect(disputeEvents.map((e) => e.details.funds).filter(Boolean)).toEqual(['withdrawn', 'reinstated']);
    for (const e of disputeEvents) {
      expect(e).toMatchObject({ statusBefore: 'succeeded', statusAfter: 'succeeded', actor: { kind: 'function' } });
      expect(e.details.disputeId).toBe(dispute.id);
    }
  });
});
