import { call } from './callables';
import type { RefundPaymentRequest, RefundPaymentResult } from './types';

/** Refunds all or part of a succeeded payment through the `refundPayment` callable. @throws ApiError */
export function refundPayment(request: RefundPaymentRequest): Promise<RefundPaymentResult> {
  return call<RefundPaymentResult>('refundPayment', request);
}
