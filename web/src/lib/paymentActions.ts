import { PaymentStatus, type PaymentView } from '../api/types';
import { remainingAmount } from './money';

/** Statuses `cancelPayment` can end from the explorer: the payment waits for its customer. */
const CANCELABLE: readonly PaymentStatus[] = [PaymentStatus.requiresAction, PaymentStatus.requiresPaymentMethod];

/** The payment waits for its customer, so Cancel is offered. */
export function canCancel(p: PaymentView): boolean {
  return CANCELABLE.includes(p.status);
}

/** What is left to refund (major units): the amount minus succeeded and pending refunds; 0 unless succeeded. */
export function refundable(p: PaymentView): number {
  if (p.status !== PaymentStatus.succeeded) return 0;
  return remainingAmount(p.amount, p.refundedAmount, p.pendingRefundAmount);
}
