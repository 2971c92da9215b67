import { describe, expect, it } from 'vitest';
import { LEASE, NOW, record } from '../testing/ledgerRulesKit.js';
import { cancelClaimStep } from './cancelRules.js';
import type { PaymentRecord } from './paymentLedger.js';

const SETTLE = 60_000;
const owner = { uid: 'u1', admin: false };
const step = (r: PaymentRecord | undefined, caller = owner) =>
  cancelClaimStep(r, 'tx-1', caller, 'k1', NOW, LEASE, SETTLE);

/** The refusal's code and details, or the claim's kind. */
function outcome(r: PaymentRecord | undefined, caller = owner) {
  const s = step(r, caller);
  if (s.result.kind !== 'refused') return s.result.kind;
  const { code, details } = s.result.error;
  expect(s.write).toEqual({ kind: 'none' });
  return { code, status: details?.status, retryAfterMs: details?.retryAfterMs };
}

describe('cancelClaimStep', () => {
  it('claims a waiting or certainly-uncharged record: pending under the cancel claim, the record as it was', () => {
    for (const status of ['requires_action', 'requires_payment_method', 'failed'] as const) {
      const before = record({ status, claimId: null, leaseUntil: null });
      const s = step(before);
      expect(s.result).toEqual({ kind: 'claimed', claimId: 'k1', record: before });
      expect(s.write).toEqual({
        kind: 'update',
        fields: { status: 'pending', claimId: 'k1', leaseUntil: NOW + LEASE, updatedAt: NOW },
      });
    }
  });

  it('claims unknown and a dead call`s pending only once their settle window has passed', () => {
    const unknownAt = (openAttemptAt: number) => record({ status: 'unknown', claimId: null, openAttemptAt });
    expect(outcome(unknownAt(NOW - SETTLE))).toBe('claimed');
    expect(outcome(unknownAt(NOW - SETTLE + 1000))).toEqual({
      code: 'PAYMENT_NOT_CANCELABLE',
      status: 'unknown',
      retryAfterMs: 1000,
    });
    // A dead call could send until its lease ended: the window runs from then.
    const dead = record({ status: 'pending', leaseUntil: NOW - 5000, openAttemptAt: NOW - 3_600_000 });
    expect(outcome(dead)).toMatchObject({ code: 'PAYMENT_NOT_CANCELABLE', retryAfterMs: SETTLE - 5000 });
    expect(outcome(record({ status: 'pending', leaseUntil: NOW - SETTLE }))).toBe('claimed');
  });

  it('answers a canceled record again without writing (a repeated cancel)', () => {
    const s = step(record({ status: 'canceled', claimId: null }));
    expect(s.result.kind).toBe('canceled');
    expect(s.write).toEqual({ kind: 'none' });
  });

  it('refuses final, processing and live records naming their status', () => {
    for (const status of ['succeeded', 'declined', 'processing'] as const) {
      expect(outcome(record({ status, claimId: null }))).toEqual({
        code: 'PAYMENT_NOT_CANCELABLE',
        status,
        retryAfterMs: undefined,
      });
    }
    expect(outcome(record({ status: 'pending', leaseUntil: NOW + 4000 }))).toEqual({
      code: 'PAYMENT_IN_PROGRESS',
      status: 'pending',
      retryAfterMs: 4000,
    });
  });

  it('lets the owner and admins cancel, refuses other users, and answers not found for an unknown id', () => {
    const r = record({ status: 'requires_action', claimId: null });
    expect(outcome(r, { uid: 'admin-1', admin: true })).toBe('claimed');
    expect(outcome(r, { uid: 'u2', admin: false })).toMatchObject({ code: 'PAYMENT_FORBIDDEN' });
    expect(outcome(undefined)).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
  });
});
