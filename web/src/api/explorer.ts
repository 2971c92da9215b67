import { call } from './callables';
import type { AdminPaymentDetail, ListPaymentsRequest, ListPaymentsResult } from './types';

/** One payment with its refunds, history and internals, as an admin sees it (`getPayment`). @throws ApiError */
export function getPayment(transactionId: string): Promise<AdminPaymentDetail> {
  return call<AdminPaymentDetail>('getPayment', { transactionId });
}

/** One page of payments, newest first (`listPayments`). @throws ApiError */
export function listPayments(request: ListPaymentsRequest): Promise<ListPaymentsResult> {
  return call<ListPaymentsResult>('listPayments', request);
}
