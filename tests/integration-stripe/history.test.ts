// A payment's history in Stripe mode (payments/{transactionId}/events), through the real callable and the
// fake's signed webhooks: a confirm whose answer never came (a timeout), its retry with the same key answered
// processing, a webhook that met the call's claim, and the late webhook that settled it, read in the order they
// happened. (Lookups are in tests/integration/history.test.ts: the generic provider's lost answers.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { PaymentHistoryEvent, ProcessPaymentResult } from '../../functions/src/api/index.js';
import { FirestoreLedger } from '../../functions/src/payments/index.js';
import { adminDb } from '../integration/admin.js';
import type { Session } from '../integration/client.js';
import { recordBecomes, recordOf, txnIds } from './records.js';
import { intentsOf, setFaults, settleProcessing } from './stripeFake.js';
import { useStripeSuite } from './suite.js';

const txn = txnIds('sh');

const events = (id: string): Promise<PaymentHistoryEvent[]> => {
  const db = adminDb();
  return new FirestoreLedger((fn) => fn(db)).listEvents(id);
};

/** True when `want` appears in `seen` in this order (other events may come between). */
const inOrder = (seen: string[], want: string[]) => {
  let i = 0;
  for (const line of seen) if (line === want[i]) i += 1;
  return i === want.length;
};

/** One line per event: its type, the status it found and the one it left. */
const lines = (history: PaymentHistoryEvent[]) => history.map((e) => `${e.type} ${e.statusBefore}->${e.statusAfter}`);

describe('payment history against the Stripe fake', () => {
  const suite = useStripeSuite({ resetBreakersAfterEach: true });
  let user: Session;
  beforeAll(() => ({ user } = suite));

  it('a timeout, a retry answered processing and a late webhook: each step in order, nothing secret', async () => {
    const id = txn('late');
    // The confirm executes at Stripe and hangs: its answer never reaches the call (a timeout); the retry with the
    // same key gets Stripe's saved answer, processing.
    await setFaults({ mode: 'commit-then-hang', endpoint: 'confirm', count: 100 });
    const answer = await user.call<ProcessPaymentResult>('processPayment', {
      amount: 18.25,
      paymentMethod: 'credit_card',
      transactionId: id,
      paymentMethodId: 'pm_fake_processing',
    });
    await setFaults({ mode: 'none' });
    const [pi] = await intentsOf(id);
    expect(pi!.status).toBe('processing');
    expect(answer).toMatchObject({ status: 'processing', attempts: 2 });
    expect((await recordOf(id))!.status).toBe('processing');
    // Stripe settles it later and says so by webhook.
    await settleProcessing(pi!.id);
    const record = await recordBecomes(id, 'succeeded', 30_000);
    expect(record.chargeId).toBe((await intentsOf(id))[0]!.latest_charge);

    const history = await events(id);
    const seen = lines(history);
    const sequence = [
      'claimed null->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'attempt.sent pending->pending',
      'provider.answered pending->pending',
      'outcome.recorded pending->processing',
      'webhook.claimed processing->pending',
      'webhook.applied pending->succeeded',
    ];
    expect(inOrder(seen, sequence), seen.join('\n')).toBe(true);
    expect(history.filter((e) => e.type === 'provider.answered').map((e) => e.details.answer)).toEqual([
      'timeout',
      'pending',
    ]);
    // The payment_intent.processing event may arrive while the call holds its claim: then it is ignored, with why.
    for (const ignored of history.filter((e) => e.type === 'webhook.ignored')) expect(ignored.reason).not.toBeNull();
    expect(seen.at(-1)).toBe('webhook.applied pending->succeeded');
    const times = history.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(JSON.stringify(history)).not.toMatch(/secret|pi_[A-Za-z0-9]+_secret|Bearer|sk_test/i);
  });
});
