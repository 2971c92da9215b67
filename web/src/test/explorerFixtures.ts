/** Contract-shaped payments, refunds and history events for the explorer's component tests. */
import type { AdminPaymentDetail, PaymentHistoryEvent, PaymentView, RefundView } from '../api/types';
import { T0 } from './fixtures';

export function paymentView(overrides: Partial<PaymentView> = {}): PaymentView {
  return {
    transactionId: 'txn_1',
    uid: 'user-1',
    amount: 25.99,
    currency: 'USD',
    paymentMethod: 'credit_card',
    status: 'succeeded',
    attempts: 1,
    chargeId: 'ch_1',
    declineCode: null,
    error: null,
    refundedAmount: 0,
    pendingRefundAmount: 0,
    dispute: null,
    createdAt: T0 - 60_000,
    updatedAt: T0 - 59_000,
    ...overrides,
  };
}

export function refundView(overrides: Partial<RefundView> = {}): RefundView {
  return {
    refundId: 'rf_1',
    amount: 5,
    currency: 'USD',
    reason: 'requested_by_customer',
    status: 'succeeded',
    providerRefundId: 're_1',
    source: 'callable',
    createdAt: T0 - 30_000,
    updatedAt: T0 - 29_000,
    ...overrides,
  };
}

export function historyEvent(overrides: Partial<PaymentHistoryEvent> = {}): PaymentHistoryEvent {
  return {
    id: `${T0 - 59_500}-0001`,
    at: T0 - 59_500,
    type: 'claimed',
    actor: { kind: 'user', uid: 'user-1' },
    statusBefore: null,
    statusAfter: 'pending',
    reason: null,
    details: {},
    ...overrides,
  };
}

export function adminDetail(overrides: Partial<AdminPaymentDetail> = {}): AdminPaymentDetail {
  return {
    payment: paymentView(),
    refunds: [],
    internals: { providerRef: null, leaseUntil: null, openAttemptAt: null },
    events: [historyEvent()],
    ...overrides,
  };
}
