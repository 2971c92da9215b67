import { describe, expect, it } from 'vitest';
import { PaymentStatus } from '../../api/index.js';
import { limitedClaimStep, resolutionStep } from './ledgerRules.js';
import type { PaymentRecord } from './paymentLedger.js';
import type { AppError } from '../../resilience/appError.js';
import { NOW, LEASE, req, record, thrownCode } from '../testing/ledgerRulesKit.js';

// The pure ledger rules (ledgerRules.ts) as decision tables: claims for resolution and limited claims.

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
