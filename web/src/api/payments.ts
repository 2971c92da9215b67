import { call } from './callables';
import type { CancelPaymentRequest, CancelPaymentResult, ProcessPaymentRequest, ProcessPaymentResult } from './types';

/** Charges a payment through the `processPayment` callable. @throws ApiError */
export function processPayment(request: ProcessPaymentRequest): Promise<ProcessPaymentResult> {
  return call<ProcessPaymentResult>('processPayment', request);
}

/** Cancels a payment that can still be canceled through the `cancelPayment` callable. @throws ApiError */
export function cancelPayment(request: CancelPaymentRequest): Promise<CancelPaymentResult> {
  return call<CancelPaymentResult>('cancelPayment', request);
}
