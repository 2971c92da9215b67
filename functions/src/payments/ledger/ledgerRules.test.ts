import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import type { AppError } from '../../resilience/appError.js';
import {
  attachStep,
  claimStep,
  finalizeStep,
  limitedClaimStep,
  newClaimId,
  renewStep,
  resolutionStep,
  settleFromOf,
  type LedgerWrite,
} from './ledgerRules.js';
import { requestHash, type PaymentOutcome, type PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';

const NOW = 1_000_000;
const LEASE = 30_000;
const req: PaymentRequest = {
  transactionId: 'tx-1',
  uid: 'u1',
  amount: 1999,
  currency: 'USD',
  paymentMethod: 'credit_card',
};

/** A stored record of `req`, as claimed by `c0` an hour ago, with `over` applied. */
function record(over: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    uid: 'u1',
    amount: 1999,
    currency: 'USD',
    paymentMethod: 'credit_card',
    status: PaymentStatus.pending,
    attempts: 1,
    requestHash: requestHash(req),
    claimId: 'c0',
    leaseUntil: NOW - 3_600_000 + LEASE,
    createdAt: NOW - 3_600_000,
    updatedAt: NOW - 3_600_000,
    ...over,
  };
}

/** The AppError code `fn` throws (fails the test when it returns). */
function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  throw new Error('expected a throw');
}

describe('newClaimId', () => {
  it('is a fresh UUID per call', () => {
    const a = newClaimId();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(newClaimId()).not.toBe(a);
  });
});

describe('claimStep', () => {
  it('no record -> creates a pending record leased to the new claim', () => {
    const step = claimStep(undefined, req, 'c1', NOW, LEASE);
    const created: PaymentRecord = {
      uid: 'u1',
      amount: 1999,
      currency: 'USD',
      paymentMethod: 'credit_card',
      status: PaymentStatus.pending,
      attempts: 0,
      requestHash: requestHash(req),
      claimId: 'c1',
      leaseUntil: NOW + LEASE,
      createdAt: NOW,
      updatedAt: NOW,
    };
    expect(step).toEqual({
      write: { kind: 'create', record: created },
      result: { kind: 'claimed', claimId: 'c1', record: created, resolveFirst: false, settleFrom: null, version: null },
    });
  });

  // existing record -> decision, in the order the rule checks.
  const refusals: [string, PaymentRecord, PaymentRequest, string][] = [
    ['another user', record({ status: PaymentStatus.succeeded }), { ...req, uid: 'u2' }, 'PAYMENT_FORBIDDEN'],
    ['another user, even with our claim id', record({ claimId: 'c1' }), { ...req, uid: 'u2' }, 'PAYMENT_FORBIDDEN'],
    ['other amount', record({ status: PaymentStatus.failed }), { ...req, amount: 2000 }, 'PAYMENT_CONFLICT'],
    ['other currency', record({ status: PaymentStatus.succeeded }), { ...req, currency: 'EUR' }, 'PAYMENT_CONFLICT'],
    [
      'other provider payment method',
      record({ status: PaymentStatus.unknown }),
      { ...req, paymentMethodId: 'pm_x' },
      'PAYMENT_CONFLICT',
    ],
    ['pending with a live lease', record({ leaseUntil: NOW + 1 }), req, 'PAYMENT_IN_PROGRESS'],
  ];
  it.each(refusals)('%s -> throws %s', (_name, existing, request, code) => {
    expect(thrownCode(() => claimStep(existing, request, 'c1', NOW, LEASE))).toBe(code);
  });

  it('a live lease says how long it has left', () => {
    try {
      claimStep(record({ leaseUntil: NOW + 1234 }), req, 'c1', NOW, LEASE);
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).details).toMatchObject({ retryAfterMs: 1234 });
    }
  });

  it('our own pending claim (an earlier try of this claim) -> claimed again, nothing written', () => {
    const existing = record({ claimId: 'c1', leaseUntil: NOW + 5 });
    expect(claimStep(existing, req, 'c1', NOW, LEASE)).toEqual({
      write: { kind: 'none' },
      result: {
        kind: 'claimed',
        claimId: 'c1',
        record: existing,
        resolveFirst: false,
        settleFrom: null,
        version: null,
      },
    });
  });

  it.each([PaymentStatus.succeeded, PaymentStatus.declined])('final %s -> replay, nothing written', (status) => {
    const existing = record({ status, claimId: null, leaseUntil: null });
    expect(claimStep(existing, req, 'c1', NOW, LEASE)).toEqual({
      write: { kind: 'none' },
      result: { kind: 'replay', record: existing },
    });
  });

  it('our claim id on a final record -> replay (own-claim shortcut is for pending only)', () => {
    const existing = record({ status: PaymentStatus.succeeded, claimId: 'c1' });
    expect(claimStep(existing, req, 'c1', NOW, LEASE).result).toEqual({ kind: 'replay', record: existing });
  });

  // status -> resolveFirst and where the settle window runs from.
  const reclaims: [string, Partial<PaymentRecord>, boolean, number | null][] = [
    ['failed: charge again at once', { status: PaymentStatus.failed, openAttemptAt: 77 }, false, null],
    [
      'unknown: ask first, window from its open attempt',
      { status: PaymentStatus.unknown, openAttemptAt: 77 },
      true,
      77,
    ],
    [
      'unknown of an older version: window from its last update',
      { status: PaymentStatus.unknown, updatedAt: 55 },
      true,
      55,
    ],
    ['requires_action: ask first', { status: PaymentStatus.requiresAction, openAttemptAt: null }, true, null],
    ['processing: ask first', { status: PaymentStatus.processing, openAttemptAt: 90 }, true, 90],
    [
      'stale pending: ask first, window from the dead lease end',
      { leaseUntil: NOW - 10, openAttemptAt: 5 },
      true,
      NOW - 10,
    ],
    ['pending whose lease ends right now', { leaseUntil: NOW, openAttemptAt: null }, true, NOW],
    ['pending without a lease', { leaseUntil: null, updatedAt: 42, openAttemptAt: null }, true, 42],
  ];
  it.each(reclaims)('%s', (_name, over, resolveFirst, settleFrom) => {
    const existing = record(over);
    const fields = { status: PaymentStatus.pending, claimId: 'c1', leaseUntil: NOW + LEASE, updatedAt: NOW };
    expect(claimStep(existing, req, 'c1', NOW, LEASE)).toEqual({
      write: { kind: 'update', fields },
      result: {
        kind: 'claimed',
        claimId: 'c1',
        record: { ...existing, ...fields },
        resolveFirst,
        settleFrom,
        version: null,
      },
    });
  });
});

describe('settleFromOf', () => {
  const table: [string, Partial<PaymentRecord>, number | null][] = [
    ['not pending: its open attempt', { status: PaymentStatus.unknown, openAttemptAt: 70, updatedAt: 99 }, 70],
    ['not pending, none open', { status: PaymentStatus.unknown, openAttemptAt: null, updatedAt: 99 }, null],
    ['not pending, older version: its last update', { status: PaymentStatus.failed, updatedAt: 99 }, 99],
    ['pending: the later of open attempt and lease end', { openAttemptAt: 500, leaseUntil: 400 }, 500],
    ['pending: lease end after the open attempt', { openAttemptAt: 300, leaseUntil: 400 }, 400],
    ['pending, none open: the lease end', { openAttemptAt: null, leaseUntil: 400 }, 400],
    ['pending, no lease: its last update', { openAttemptAt: null, leaseUntil: null, updatedAt: 12 }, 12],
  ];
  it.each(table)('%s', (_name, over, expected) => {
    expect(settleFromOf(record(over))).toBe(expected);
  });
});

describe('renewStep', () => {
  const table: [string, PaymentRecord | undefined, boolean][] = [
    ['no record', undefined, false],
    ['another claim', record({ claimId: 'c0' }), false],
    ['our claim, no longer pending', record({ claimId: 'c1', status: PaymentStatus.unknown }), false],
    ['our claim, pending', record({ claimId: 'c1' }), true],
  ];
  it.each(table)('%s -> %s', (_name, current, renewed) => {
    expect(renewStep(current, 'c1', NOW + 9, NOW)).toEqual({
      write: renewed ? { kind: 'update', fields: { leaseUntil: NOW + 9, updatedAt: NOW } } : { kind: 'none' },
      result: renewed,
    });
  });
});

describe('attachStep', () => {
  const table: [string, PaymentRecord | undefined, boolean][] = [
    ['no record', undefined, false],
    ['another claim', record({ claimId: 'c0' }), false],
    ['our claim', record({ claimId: 'c1' }), true],
    ['our claim on a settled record', record({ claimId: 'c1', status: PaymentStatus.unknown }), true],
  ];
  it.each(table)('%s -> writes: %s', (_name, current, writes) => {
    expect(attachStep(current, 'c1', 'pi_1', NOW)).toEqual({
      write: writes ? { kind: 'update', fields: { providerRef: 'pi_1', updatedAt: NOW } } : { kind: 'none' },
      result: undefined,
    });
  });
});

describe('finalizeStep', () => {
  const release = { claimId: null, leaseUntil: null, updatedAt: NOW };
  const won: PaymentOutcome = { status: PaymentStatus.succeeded, attempts: 2, chargeId: 'ch_1' };

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
      record({ claimId: 'c0', status: PaymentStatus.declined, attempts: 2 }),
      won,
      { kind: 'none' },
      { written: false, claimLost: true, conflict: PaymentStatus.declined },
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
      record({ claimId: 'c1', status: PaymentStatus.declined, declineCode: 'card_declined', attempts: 1 }),
      won,
      { kind: 'update', fields: { ...release, attempts: 2 } },
      { written: false, claimLost: false, conflict: PaymentStatus.declined },
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

  it.each([PaymentStatus.unknown, PaymentStatus.failed, PaymentStatus.processing, PaymentStatus.requiresAction])(
    'lost claim with an indefinite %s -> nothing written',
    (status) => {
      const outcome = { status, attempts: 1 } as PaymentOutcome;
      expect(finalizeStep(record({ claimId: 'c0' }), 'tx-1', 'c1', outcome, NOW)).toEqual({
        write: { kind: 'none' },
        result: { written: false, claimLost: true, conflict: null },
      });
    },
  );

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

describe('resolutionStep', () => {
  // [name, record, expectedUpdatedAt, resolvable]
  const table: [string, PaymentRecord | undefined, number | undefined, boolean][] = [
    ['no record', undefined, undefined, false],
    ['unknown', record({ status: PaymentStatus.unknown }), undefined, true],
    ['requires_action', record({ status: PaymentStatus.requiresAction }), undefined, true],
    ['processing', record({ status: PaymentStatus.processing }), undefined, true],
    ['pending, lease ended', record({ leaseUntil: NOW }), undefined, true],
    ['pending without a lease', record({ leaseUntil: null }), undefined, true],
    ['pending, live lease', record({ leaseUntil: NOW + 1 }), undefined, false],
    ['succeeded', record({ status: PaymentStatus.succeeded }), undefined, false],
    ['declined', record({ status: PaymentStatus.declined }), undefined, false],
    ['failed', record({ status: PaymentStatus.failed }), undefined, false],
    ['unknown, unchanged since the scan', record({ status: PaymentStatus.unknown, updatedAt: 7 }), 7, true],
    ['unknown, changed since the scan', record({ status: PaymentStatus.unknown, updatedAt: 8 }), 7, false],
  ];
  it.each(table)('%s -> resolvable: %s', (_name, current, expectedUpdatedAt, resolvable) => {
    const step = resolutionStep(current, 'c1', NOW, LEASE, expectedUpdatedAt);
    if (!resolvable) {
      expect(step).toEqual({ write: { kind: 'none' }, result: null });
      return;
    }
    expect(step).toEqual({
      write: {
        kind: 'update',
        fields: { status: PaymentStatus.pending, claimId: 'c1', leaseUntil: NOW + LEASE, updatedAt: NOW },
      },
      // The record as scanned, not as rewritten: the caller resolves what it saw.
      result: { claimId: 'c1', record: current },
    });
  });
});

describe('limitedClaimStep', () => {
  const limits = { ratePerMin: 60, burst: 2, maxInFlight: 1 };

  it('a new claim takes a token and an in-flight slot until its lease ends', () => {
    const step = limitedClaimStep(undefined, undefined, req, 'c1', NOW, LEASE, limits);
    expect(step.write.kind).toBe('create');
    expect(step.user).toEqual({ tokens: 1, refilledAt: NOW, inFlight: { c1: NOW + LEASE } });
  });

  it('a replay still takes a token, but its slot ends at once', () => {
    const existing = record({ status: PaymentStatus.succeeded });
    const step = limitedClaimStep(existing, undefined, req, 'c1', NOW, LEASE, limits);
    expect(step.result).toEqual({ kind: 'replay', record: existing });
    expect(step.user).toEqual({ tokens: 1, refilledAt: NOW, inFlight: { c1: NOW } });
  });

  it.each([
    ['user-in-flight', { tokens: 2, refilledAt: NOW, inFlight: { c0: NOW + 500 } }, 500],
    ['user-rate', { tokens: 0, refilledAt: NOW, inFlight: {} }, 1000],
  ] as const)('over a limit (%s) -> PAYMENT_USER_LIMITED', (reason, user, retryAfterMs) => {
    try {
      limitedClaimStep(undefined, user, req, 'c1', NOW, LEASE, limits);
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('PAYMENT_USER_LIMITED');
      expect((err as AppError).details).toEqual({ transactionId: 'tx-1', reason, retryAfterMs });
    }
  });

  it('a refusal spends like any call: over the limits it is refused as limited, never as forbidden', () => {
    const full = { tokens: 0, refilledAt: NOW, inFlight: {} };
    const other = record({ uid: 'u2' });
    expect(thrownCode(() => limitedClaimStep(other, full, req, 'c1', NOW, LEASE, limits))).toBe('PAYMENT_USER_LIMITED');
  });

  it.each([
    ['another user', record({ uid: 'u2' }), 'PAYMENT_FORBIDDEN'],
    ['other parameters', record({ status: PaymentStatus.succeeded, requestHash: 'other' }), 'PAYMENT_CONFLICT'],
    ['a call in progress', record({ leaseUntil: NOW + 5000 }), 'PAYMENT_IN_PROGRESS'],
  ] as const)(
    'within the limits, %s: the refusal is the answer, its token is spent and its slot ends at once',
    (_, existing, code) => {
      const step = limitedClaimStep(existing, undefined, req, 'c1', NOW, LEASE, limits);
      expect(step.write).toEqual({ kind: 'none' });
      expect(step.result.kind).toBe('refused');
      expect(step.result.kind === 'refused' && step.result.error.code).toBe(code);
      expect(step.user).toEqual({ tokens: 1, refilledAt: NOW, inFlight: { c1: NOW } });
    },
  );
});
