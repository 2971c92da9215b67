import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentStatus } from '../api/index.js';
import type { PaymentOutcome } from './ledger/paymentLedger.js';
import type { ChargeAnswer, LookupAnswer } from './provider/paymentProvider.js';
import { ok, pay, paymentWorld, SETTINGS, timeout } from './testing/handlerKit.js';

// Whenever a call's write meets a final record (settled first by a webhook,
// reconciliation or another call), the caller is answered from that record:
// the call's answer is what a replay then answers.

let w: ReturnType<typeof paymentWorld>;
beforeEach(() => {
  w = paymentWorld();
});

const declinedElsewhere: PaymentOutcome = {
  status: PaymentStatus.declined,
  attempts: 0,
  chargeId: 'ch_0',
  declineCode: 'insufficient_funds',
};
const succeededElsewhere: PaymentOutcome = { status: PaymentStatus.succeeded, attempts: 0, chargeId: 'ch_0' };

/** Another writer settles the record as a webhook does: without the call's claim, knowing no attempts of it. */
const settledBy = (outcome: PaymentOutcome) => async () => {
  await w.ledger.finalize('txn_1', 'webhook:evt_1', outcome);
};

/** Reconciliation takes the record over once the call's lease ended, and settles it. */
const reconciledAs = (outcome: PaymentOutcome) => async () => {
  w.clock += SETTINGS.totalTimeoutMs + 10_000;
  const claim = await w.ledger.claimForResolution('txn_1', 8000);
  await w.ledger.finalize('txn_1', claim!.claimId, outcome);
};

const rateLimited: ChargeAnswer = { kind: 'rate-limited', retryAfterMs: 100 };
const unavailable: LookupAnswer = { kind: 'unavailable', reason: 'HTTP 503' };

// [name, what lands during the first attempt, the call's attempts, lookups, the status the call would write,
//  the record that lands, attempts the call sent]
const table: [string, () => Promise<void>, ChargeAnswer[], LookupAnswer[], PaymentStatus, PaymentOutcome, number][] = [
  [
    'declined, stored succeeded',
    settledBy(succeededElsewhere),
    [{ kind: 'declined', chargeId: 'ch_1', declineCode: 'card_declined', amount: 2599, currency: 'USD' }],
    [],
    'declined',
    succeededElsewhere,
    1,
  ],
  [
    'rejected, stored succeeded',
    settledBy(succeededElsewhere),
    [{ kind: 'rejected', httpStatus: 400, providerCode: 'parameter_invalid' }],
    [],
    'failed',
    succeededElsewhere,
    1,
  ],
  [
    'certainly not charged (rate limited), stored succeeded',
    settledBy(succeededElsewhere),
    [rateLimited, rateLimited, rateLimited],
    [],
    'failed',
    succeededElsewhere,
    3,
  ],
  [
    'unknown (lookup unanswered), stored succeeded',
    settledBy(succeededElsewhere),
    [timeout, timeout, timeout],
    [unavailable],
    'unknown',
    succeededElsewhere,
    3,
  ],
  [
    'processing, stored succeeded',
    settledBy(succeededElsewhere),
    [{ kind: 'pending', state: 'processing' }],
    [],
    'processing',
    succeededElsewhere,
    1,
  ],
  [
    'succeeded, stored the same (agrees)',
    settledBy({ ...succeededElsewhere, chargeId: 'ch_1' }),
    [ok],
    [],
    'succeeded',
    { ...succeededElsewhere, chargeId: 'ch_1' },
    1,
  ],
];

describe('answers from the final record a write meets', () => {
  it.each(table)('%s', async (_name, landing, charges, lookups, callStatus, stored, sent) => {
    const [firstAnswer, ...rest] = charges;
    const { handler, provider } = w.handlerWith(
      [
        async () => {
          await landing();
          return firstAnswer!;
        },
        ...rest,
      ],
      lookups,
    );
    const answer = await handler.processPayment(pay(), 'u1');
    expect(provider.count('charge')).toBe(sent);
    expect(answer).toEqual({
      transactionId: 'txn_1',
      status: stored.status,
      chargeId: stored.chargeId,
      amount: 25.99,
      currency: 'USD',
      attempts: sent,
      replayed: false,
      ...(stored.declineCode ? { declineCode: stored.declineCode } : {}),
    });
    const replay = await w.handlerWith().handler.processPayment(pay(), 'u1');
    expect(replay).toEqual({ ...answer, replayed: true });

    const conflicts = w.events.filter((e) => e.event === 'payment.final_conflict');
    const contradicts = callStatus !== stored.status;
    expect(conflicts).toEqual(
      contradicts
        ? [
            {
              event: 'payment.final_conflict',
              severity: 'ERROR',
              fields: { transactionId: 'txn_1', stored: stored.status, status: callStatus },
            },
          ]
        : [],
    );
    const completed = w.events.filter((e) => e.event === 'payment.completed');
    expect(completed.map((e) => e.fields.outcome)).toEqual([stored.status, 'replayed']);
  });

  // Money wins: the call's success lands over a record another writer settled declined.
  it.each([
    ['a webhook settled it declined', settledBy(declinedElsewhere)],
    ['reconciliation took the claim over and settled it declined', reconciledAs(declinedElsewhere)],
  ])('succeeded over declined (%s): the record becomes succeeded, logged and counted', async (_name, landing) => {
    const { handler } = w.handlerWith([
      async () => {
        await landing();
        return ok;
      },
    ]);
    const answer = await handler.processPayment(pay(), 'u1');
    expect(answer).toMatchObject({ status: 'succeeded', chargeId: 'ch_1', attempts: 1, replayed: false });
    expect(answer).not.toHaveProperty('declineCode');
    expect(await w.record()).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(w.events.filter((e) => e.event === 'payment.late_success')).toEqual([
      {
        event: 'payment.late_success',
        severity: 'ERROR',
        fields: { transactionId: 'txn_1', stored: 'declined', chargeId: 'ch_1', source: 'payment' },
      },
    ]);
    expect(w.events.map((e) => e.event)).not.toContain('payment.final_conflict');
    expect((await w.ledger.health(w.clock)).lateSuccesses).toBe(1);
    expect(await w.handlerWith().handler.processPayment(pay(), 'u1')).toEqual({ ...answer, replayed: true });
  });

  it('a call whose write fails is answered from its own outcome (nothing stored to answer from)', async () => {
    const { handler } = w.handlerWith([ok]);
    w.ledger.finalize = () => Promise.reject(Object.assign(new Error('unavailable'), { code: 'unavailable' }));
    expect(await handler.processPayment(pay(), 'u1')).toMatchObject({ status: 'succeeded', chargeId: 'ch_1' });
    expect(w.events.map((e) => e.event)).toContain('payment.ledger_write_failed');
  });
});
