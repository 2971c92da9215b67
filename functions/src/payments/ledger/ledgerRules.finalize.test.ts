import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import { finalizeStep, type LedgerWrite } from './ledgerRules.js';
import { type PaymentOutcome, type PaymentRecord } from './paymentLedger.js';
import { NOW, record } from '../testing/ledgerRulesKit.js';

// The pure ledger rules (ledgerRules.ts) as decision tables: finalizing an outcome.

describe('finalizeStep', () => {
  const release = { claimId: null, leaseUntil: null, updatedAt: NOW };
  const won: PaymentOutcome = { status: PaymentStatus.succeeded, attempts: 2, chargeId: 'ch_1' };
  const lost: PaymentOutcome = { status: PaymentStatus.declined, attempts: 2, chargeId: 'ch_1', declineCode: 'x' };

  it('a vanished record is a bug, not a decision', () => {
    expect(() => finalizeStep(undefined, 'tx-1', 'c1', won, NOW)).toThrow('payment record tx-1 vanished');
  });

  // Final record: [name, record, outcome, write, result]. The result also carries the record as the write left it.
  const finals: [string, PaymentRecord, PaymentOutcome, LedgerWrite, unknown][] = [
    [
      'same final status, holder -> only releases the claim',
      record({ claimId: 'c1', status: PaymentStatus.succeeded, chargeId: 'ch_1', attempts: 2 }),
      won,
      { kind: 'update', fields: release },
      { written: false, claimLost: false, conflict: null },
    ],
    [
      'same status, outcome without a charge id -> same',
      record({ claimId: 'c1', status: PaymentStatus.succeeded, chargeId: 'ch_1' }),
      { status: PaymentStatus.succeeded, attempts: 1 },
      { kind: 'update', fields: release },
      { written: false, claimLost: false, conflict: null },
    ],
    [
      'same status, other charge id, holder -> conflict',
      record({ claimId: 'c1', status: PaymentStatus.succeeded, chargeId: 'ch_0', attempts: 2 }),
      won,
      { kind: 'update', fields: release },
      { written: false, claimLost: false, conflict: PaymentStatus.succeeded },
    ],
    [
      'other final status, not the holder -> conflict, nothing written',
      record({ claimId: 'c0', status: PaymentStatus.succeeded, chargeId: 'ch_0', attempts: 2 }),
      lost,
      { kind: 'none' },
      { written: false, claimLost: true, conflict: PaymentStatus.succeeded },
    ],
    [
      'same final status, not the holder -> nothing written',
      record({ claimId: null, status: PaymentStatus.succeeded, chargeId: 'ch_1', attempts: 2 }),
      won,
      { kind: 'none' },
      { written: false, claimLost: true, conflict: null },
    ],
    [
      'same status, holder, fewer attempts stored (settled by a webhook meanwhile) -> releases, raises the tally',
      record({ claimId: 'c1', status: PaymentStatus.succeeded, chargeId: 'ch_1', attempts: 0 }),
      won,
      { kind: 'update', fields: { ...release, attempts: 2 } },
      { written: false, claimLost: false, conflict: null },
    ],
    [
      'other final status, holder, fewer attempts stored -> conflict, status kept, tally raised',
      record({ claimId: 'c1', status: PaymentStatus.succeeded, chargeId: 'ch_0', attempts: 1 }),
      lost,
      { kind: 'update', fields: { ...release, attempts: 2 } },
      { written: false, claimLost: false, conflict: PaymentStatus.succeeded },
    ],
    [
      'canceled over succeeded (a cancel refused too late to matter) -> conflict, nothing written',
      record({ claimId: null, status: PaymentStatus.succeeded, chargeId: 'ch_0', attempts: 2 }),
      { status: PaymentStatus.canceled, attempts: 2 },
      { kind: 'none' },
      { written: false, claimLost: true, conflict: PaymentStatus.succeeded },
    ],
    [
      'same status, not the holder, fewer attempts stored -> only the tally raised',
      record({ claimId: 'c0', status: PaymentStatus.succeeded, chargeId: 'ch_1', attempts: 1 }),
      won,
      { kind: 'update', fields: { attempts: 2, updatedAt: NOW } },
      { written: false, claimLost: true, conflict: null },
    ],
    [
      'an outcome with fewer attempts (a webhook) never lowers the tally',
      record({ claimId: null, status: PaymentStatus.succeeded, chargeId: 'ch_1', attempts: 5 }),
      won,
      { kind: 'none' },
      { written: false, claimLost: true, conflict: null },
    ],
  ];
  it.each(finals)('%s', (_name, current, outcome, write, result) => {
    const final = { ...current, ...(write.kind === 'update' ? write.fields : {}) };
    expect(finalizeStep(current, 'tx-1', 'c1', outcome, NOW)).toEqual({
      write,
      result: { ...(result as object), final },
    });
  });

  // Money wins: succeeded over a record that says not charged is written by anyone and reported.
  it.each([PaymentStatus.declined, PaymentStatus.canceled, PaymentStatus.failed])(
    'succeeded over %s (not the holder) -> written, lateSuccessOver says what it replaced',
    (status) => {
      const current = record({ claimId: null, status, declineCode: 'card_declined', attempts: 1, openAttemptAt: null });
      expect(finalizeStep(current, 'tx-1', 'webhook:evt', { ...won, attempts: 0 }, NOW)).toEqual({
        write: {
          kind: 'update',
          fields: { updatedAt: NOW, status: PaymentStatus.succeeded, attempts: 1, error: null, chargeId: 'ch_1' },
        },
        result: { written: true, claimLost: true, conflict: null, lateSuccessOver: status },
      });
    },
  );

  it('declined or canceled over another not-charged final status stays a conflict (only money wins)', () => {
    const current = record({ claimId: null, status: PaymentStatus.declined, attempts: 1 });
    const step = finalizeStep(current, 'tx-1', 'c1', { status: PaymentStatus.canceled, attempts: 1 }, NOW);
    expect(step.write).toEqual({ kind: 'none' });
    expect(step.result).toMatchObject({ written: false, conflict: PaymentStatus.declined });
  });

  it.each([
    PaymentStatus.unknown,
    PaymentStatus.failed,
    PaymentStatus.processing,
    PaymentStatus.requiresAction,
    PaymentStatus.requiresPaymentMethod,
    PaymentStatus.canceled,
  ])('lost claim with an indefinite %s -> nothing written', (status) => {
    const outcome = { status, attempts: 1 } as PaymentOutcome;
    expect(finalizeStep(record({ claimId: 'c0' }), 'tx-1', 'c1', outcome, NOW)).toEqual({
      write: { kind: 'none' },
      result: { written: false, claimLost: true, conflict: null },
    });
  });

  it('holder writes its outcome and releases the claim', () => {
    const outcome: PaymentOutcome = {
      status: PaymentStatus.declined,
      attempts: 1,
      chargeId: 'ch_9',
      declineCode: 'card_declined',
      error: { code: 'DECLINED', message: 'no' },
      openAttemptAt: 40,
    };
    expect(finalizeStep(record({ claimId: 'c1', attempts: 5, openAttemptAt: 30 }), 'tx-1', 'c1', outcome, NOW)).toEqual(
      {
        write: {
          kind: 'update',
          fields: {
            ...release,
            status: PaymentStatus.declined,
            attempts: 1,
            error: { code: 'DECLINED', message: 'no' },
            chargeId: 'ch_9',
            declineCode: 'card_declined',
            openAttemptAt: 40,
          },
        },
        result: { written: true, claimLost: false, conflict: null },
      },
    );
  });

  it('a lost claim still writes a definite answer, keeps the holder and the larger attempt count', () => {
    const current = record({ claimId: 'c0', attempts: 4, openAttemptAt: 60 });
    const step = finalizeStep(current, 'tx-1', 'c1', { ...won, openAttemptAt: 50 }, NOW);
    expect(step).toEqual({
      write: {
        kind: 'update',
        fields: {
          updatedAt: NOW,
          status: PaymentStatus.succeeded,
          attempts: 4,
          error: null,
          chargeId: 'ch_1',
          openAttemptAt: 60,
        },
      },
      result: { written: true, claimLost: true, conflict: null },
    });
  });

  // openAttemptAt: [outcome's, record's] -> field written (undefined: left out).
  const open: [number | null | undefined, number | null | undefined, number | null | undefined][] = [
    [10, undefined, 10],
    [undefined, 20, 20],
    [10, 20, 20],
    [null, undefined, null],
    [null, 20, 20],
    [null, null, undefined],
    [undefined, undefined, undefined],
    [undefined, null, undefined],
  ];
  it.each(open)('openAttemptAt: outcome %s, record %s -> %s', (fromOutcome, fromRecord, expected) => {
    const outcome: PaymentOutcome = {
      status: PaymentStatus.unknown,
      attempts: 1,
      ...(fromOutcome === undefined ? {} : { openAttemptAt: fromOutcome }),
    };
    const current = record({ claimId: 'c1' });
    if (fromRecord === undefined) delete current.openAttemptAt;
    else current.openAttemptAt = fromRecord;
    const { write } = finalizeStep(current, 'tx-1', 'c1', outcome, NOW);
    const fields = write.kind === 'update' ? write.fields : {};
    expect('openAttemptAt' in fields).toBe(expected !== undefined);
    expect(fields.openAttemptAt).toBe(expected);
    expect(fields).not.toHaveProperty('chargeId');
    expect(fields).not.toHaveProperty('declineCode');
  });
});
