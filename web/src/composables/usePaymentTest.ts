import { reactive, ref } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { cancelPayment } from '../api/payments';
import { completeAuthentication, stripeFakeUrl } from '../api/stripeFake';
import {
  PaymentMethod,
  PaymentProviderName,
  PaymentStatus,
  type ProcessPaymentRequest,
  type ProcessPaymentResult,
} from '../api/types';
import { STRIPE_TEST_METHODS, paymentIntentIdOf } from '../lib/stripeTest';
import { newTransactionId, transactionIdProblem } from '../lib/transactionId';
import { usePaymentSeal } from './usePaymentSeal';
import { useRefreshControl } from './useRefreshControl';

/** How many of this session's attempts the history keeps. */
export const HISTORY_SIZE = 10;

/**
 * The payment form as typed (amount stays text so "25.99" is not reformatted
 * while typing). `paymentMethodId` (a Stripe test PaymentMethod) is sent only
 * in Stripe mode.
 */
export type PaymentForm = {
  amount: string;
  currency: string;
  paymentMethod: PaymentMethod;
  transactionId: string;
  paymentMethodId: string;
};

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

/** Checks the form; returns the callable payload for `provider`, or the problems by field. */
export function validatePayment(
  form: PaymentForm,
  provider: PaymentProviderName | null = null,
): { errors: PaymentFormErrors; request?: PaymentAttempt['request'] } {
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
  const request: PaymentAttempt['request'] = { amount, currency, paymentMethod: form.paymentMethod, transactionId };
  if (provider === PaymentProviderName.stripe) request.paymentMethodId = form.paymentMethodId;
  return { errors, request };
}

/** The Stripe fake can finish this attempt's 3-D Secure step (development with the emulators only). */
export function canCompleteAuthentication(attempt: PaymentAttempt): boolean {
  return (
    attempt.result?.status === PaymentStatus.requiresAction &&
    paymentIntentIdOf(attempt.result.clientSecret) !== null &&
    stripeFakeUrl() !== null
  );
}

/** The attempt's payment waits for the customer, so `cancelPayment` can cancel it. */
export function canCancel(attempt: PaymentAttempt): boolean {
  return attempt.result?.status === PaymentStatus.requiresAction;
}

/**
 * State and actions of the payment test form: submit, last attempt, and this
 * session's history. `provider` says which provider the functions use (null
 * while unknown: sent as for the generic one). Each answer refreshes the
 * page's fleet panels: the paying instance published its numbers before answering.
 * Payments go with the signed-in user's last seal (usePaymentSeal).
 */
export function usePaymentTest(provider: () => PaymentProviderName | null = () => null) {
  const form = reactive<PaymentForm>({
    amount: '25.99',
    currency: 'USD',
    paymentMethod: PaymentMethod.creditCard,
    transactionId: newTransactionId(),
    paymentMethodId: STRIPE_TEST_METHODS[0]!.id,
  });
  const fieldErrors = ref<PaymentFormErrors>({});
  const submitting = ref(false);
  const last = ref<PaymentAttempt | null>(null);
  const history = ref<PaymentAttempt[]>([]);

  const authenticating = ref(false);
  const authenticationError = ref<ApiError | null>(null);
  const canceling = ref(false);
  const cancelError = ref<ApiError | null>(null);
  const control = useRefreshControl();
  const { pay } = usePaymentSeal();

  /** Sends the form as is; the id is kept so pressing submit again tries a replay. */
  async function submit(): Promise<void> {
    const { errors, request } = validatePayment(form, provider());
    fieldErrors.value = errors;
    cancelError.value = null;
    if (!request || submitting.value) return;
    await send(request);
  }

  async function send(request: PaymentAttempt['request']): Promise<void> {
    submitting.value = true;
    const at = Date.now();
    const started = performance.now();
    let attempt: PaymentAttempt;
    try {
      const result = await pay(request);
      attempt = { request, at, durationMs: performance.now() - started, outcome: result.status, result };
    } catch (err) {
      const error = toApiError(err);
      attempt = { request, at, durationMs: performance.now() - started, outcome: error.code, error };
    } finally {
      submitting.value = false;
    }
    last.value = attempt;
    history.value = [attempt, ...history.value].slice(0, HISTORY_SIZE);
    control.changed();
  }

  /**
   * Development only: finishes the attempt's 3-D Secure step at the Stripe fake
   * (in production the customer does, in Stripe.js), then sends the same
   * payment again, which answers with the settled outcome and charges nothing more.
   */
  async function finishAuthentication(attempt: PaymentAttempt): Promise<void> {
    const baseUrl = stripeFakeUrl();
    const paymentIntentId = paymentIntentIdOf(attempt.result?.clientSecret);
    if (!baseUrl || !paymentIntentId || authenticating.value) return;
    authenticating.value = true;
    authenticationError.value = null;
    try {
      await completeAuthentication(baseUrl, paymentIntentId);
    } catch (err) {
      authenticationError.value = toApiError(err);
      return;
    } finally {
      authenticating.value = false;
    }
    await send(attempt.request);
  }

  /**
   * Cancels the attempt's waiting payment, then sends the same payment again:
   * the replay answers `canceled` from the ledger and charges nothing.
   */
  async function cancelAttempt(attempt: PaymentAttempt): Promise<void> {
    if (canceling.value) return;
    canceling.value = true;
    cancelError.value = null;
    try {
      await cancelPayment({ transactionId: attempt.request.transactionId });
    } catch (err) {
      cancelError.value = toApiError(err);
      return;
    } finally {
      canceling.value = false;
    }
    await send(attempt.request);
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
    if (attempt.request.paymentMethodId) form.paymentMethodId = attempt.request.paymentMethodId;
    fieldErrors.value = {};
  }

  return {
    form,
    fieldErrors,
    submitting,
    last,
    history,
    submit,
    newId,
    loadAttempt,
    authenticating,
    authenticationError,
    finishAuthentication,
    canceling,
    cancelError,
    cancelAttempt,
  };
}
