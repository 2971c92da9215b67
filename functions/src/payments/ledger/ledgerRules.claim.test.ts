import { describe, expect, it } from 'vitest';
import type { AppError } from '../../resilience/appError.js';
import { PaymentStatus } from '../../api/index.js';
import { attachStep, claimStep, newClaimId, renewStep, settleFromOf } from './ledgerRules.js';
import { requestHash, type PaymentRecord } from './paymentLedger.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { NOW, LEASE, req, record, thrownCode } from '../testing/ledgerRulesKit.js';

// The pure ledger rules (ledgerRules.ts) as decision tables: claims, the settle window, renewals and attaching a provider reference.

describe('newClaimId', () => {
  it('is a fresh UUID per call', () => {
    const a = newClaimId();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(newClaimId()).not.toBe(a);
  });
});

describe('claimStep', () => {
  it("creates a record with the reference the provider named before the claim, and leaves an existing record's alone", () => {
    const pinned = { ...req, providerRef: `${req.transactionId}@pay-a.example.com` };
    const created = claimStep(undefined, pinned, 'c1', NOW, LEASE);
    expect(created.write).toMatchObject({ kind: 'create', record: { providerRef: pinned.providerRef } });
    expect(created.result).toMatchObject({ kind: 'claimed', record: { providerRef: pinned.providerRef } });
    // Not part of "the same request": the hash is the one without it.
    expect(created.result.kind === 'claimed' && created.result.record.requestHash).toBe(requestHash(req));
    const old = record({ status: PaymentStatus.unknown, leaseUntil: NOW - 1, providerRef: 'tx-1@old.example.com' });
    const again = claimStep(old, pinned, 'c2', NOW, LEASE);
    expect(again.write).toMatchObject({ kind: 'update' });
    expect(again.write.kind === 'update' && 'providerRef' in again.write.fields).toBe(false);
    expect(again.result.kind === 'claimed' && again.result.record.providerRef).toBe('tx-1@old.example.com');
  });

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
