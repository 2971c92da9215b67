import { call } from './callables';
import type { ProcessPaymentRequest, ProcessPaymentResult } from './types';

/** Charges a payment through the `processPayment` callable. @throws ApiError */
export function processPayment(request: ProcessPaymentRequest): Promise<ProcessPaymentResult> {
  return call<ProcessPaymentResult>('processPayment', request);
}
