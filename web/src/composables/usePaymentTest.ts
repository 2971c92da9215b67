import { reactive, ref } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { processPayment } from '../api/payments';
import { PaymentMethod, type ProcessPaymentRequest, type ProcessPaymentResult } from '../api/types';
import { newTransactionId, transactionIdProblem } from '../lib/transactionId';

/** How many of this session's attempts the history keeps. */
export const HISTORY_SIZE = 10;

/** The payment form as typed (amount stays text so "25.99" is not reformatted while typing). */
export type PaymentForm = { amount: string; currency: string; paymentMethod: PaymentMethod; transactionId: string };

/** Problems with the form, by field. */
export type PaymentFormErrors = Partial<Record<keyof PaymentForm, string>>;

/** One submitted payment and what came of it. */
export type PaymentAttempt = {
  request: ProcessPaymentRequest & { transactionId: string; currency: string };
  /** Epoch ms when it was sent. */
  at: number;
  /** Round trip measured in the browser. */
  durationMs: number;
  /** `succeeded`/`declined`, or the error code. */
  outcome: string;
  result?: ProcessPaymentResult;
  error?: ApiError;
};

/** Checks the form; returns the callable payload, or the problems by field. */
export function validatePayment(form: PaymentForm): { errors: PaymentFormErrors; request?: PaymentAttempt['request'] } {
  const errors: PaymentFormErrors = {};
  const amountText = form.amount.trim();
  const amount = Number(amountText);
  if (amountText === '') errors.amount = 'Enter an amount.';
  else if (!Number.isFinite(amount)) errors.amount = 'The amount must be a number, e.g. 25.99.';
  else if (amount <= 0) errors.amount = 'The amount must be greater than 0.';
  const currency = form.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'Use a three-letter currency code, e.g. USD.';
  const transactionId = form.transactionId.trim();
  const idProblem = transactionIdProblem(transactionId);
  if (idProblem) errors.transactionId = idProblem;
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, request: { amount, currency, paymentMethod: form.paymentMethod, transactionId } };
}

/** State and actions of the payment test form: submit, last attempt, and this session's history. */
export function usePaymentTest() {
  const form = reactive<PaymentForm>({
    amount: '25.99',
    currency: 'USD',
    paymentMethod: PaymentMethod.creditCard,
    transactionId: newTransactionId(),
  });
  const fieldErrors = ref<PaymentFormErrors>({});
  const submitting = ref(false);
  const last = ref<PaymentAttempt | null>(null);
  const history = ref<PaymentAttempt[]>([]);

  /** Sends the form as is; the id is kept so pressing submit again tries a replay. */
  async function submit(): Promise<void> {
    const { errors, request } = validatePayment(form);
    fieldErrors.value = errors;
    if (!request || submitting.value) return;
    submitting.value = true;
    const at = Date.now();
    const started = performance.now();
    let attempt: PaymentAttempt;
    try {
      const result = await processPayment(request);
      attempt = { request, at, durationMs: performance.now() - started, outcome: result.status, result };
    } catch (err) {
      const error = toApiError(err);
      attempt = { request, at, durationMs: performance.now() - started, outcome: error.code, error };
    } finally {
      submitting.value = false;
    }
    last.value = attempt;
    history.value = [attempt, ...history.value].slice(0, HISTORY_SIZE);
  }

  function newId(): void {
    form.transactionId = newTransactionId();
  }

  /** Loads an earlier attempt's parameters so submitting repeats it exactly (an idempotent replay). */
  function loadAttempt(attempt: PaymentAttempt): void {
    form.amount = String(attempt.request.amount);
    form.currency = attempt.request.currency;
    form.paymentMethod = attempt.request.paymentMethod;
    form.transactionId = attempt.request.transactionId;
    fieldErrors.value = {};
  }

  return { form, fieldErrors, submitting, last, history, submit, newId, loadAttempt };
}
