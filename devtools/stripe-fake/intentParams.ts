/**
 * The parameters of the Stripe fake's PaymentIntent endpoints, validated the
 * way Stripe refuses them (400 invalid_request_error with `code` and `param`,
 * unknown parameters included, so a typo in the adapter shows), and the test
 * payment methods a confirmation can use.
 */
import { currencyRefusal } from './currencies.ts';
import { invalidRequest, stripeError } from './wire.ts';
import type { Form, FormValue, Reply } from './wire.ts';

/** What a test payment method does when a PaymentIntent is confirmed with it. */
export type Outcome =
  | { kind: 'succeeded' }
  | { kind: 'declined'; declineCode: string }
  | { kind: 'requires_action' }
  | { kind: 'processing' };

/**
 * Stripe's test PaymentMethods the fake knows, and one of its own: no card stays
 * `processing` at Stripe, so `pm_fake_processing` stands for the payment methods
 * that do (bank debits), settled through the control API.
 */
export const TEST_PAYMENT_METHODS: Readonly<Record<string, Outcome>> = {
  pm_card_visa: { kind: 'succeeded' },
  pm_card_mastercard: { kind: 'succeeded' },
  pm_card_chargeDeclined: { kind: 'declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { kind: 'declined', declineCode: 'insufficient_funds' },
  pm_card_authenticationRequired: { kind: 'requires_action' },
  pm_fake_processing: { kind: 'processing' },
};

/** A valid `POST /v1/payment_intents`. */
export type CreateParams = {
  amount: number;
  currency: string;
  paymentMethod: string | null;
  metadata: Record<string, string>;
  paymentMethodTypes: string[];
  automaticPaymentMethods: { enabled: boolean; allow_redirects: 'always' | 'never' } | null;
};

/** A string parameter, or undefined when absent or not a plain value. */
export function str(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The refusal of the first parameter not in `allowed`, or null. */
export function unknownParam(form: Form, allowed: readonly string[]): Reply | null {
  const extra = Object.keys(form).find((k) => !allowed.includes(k));
  return extra ? invalidRequest(`Received unknown parameter: ${extra}`, 'parameter_unknown', extra) : null;
}

/** 400 resource_missing for a payment method the fake does not know. */
export function noSuchPaymentMethod(pm: string): Reply {
  return stripeError(400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'payment_method',
    message: `No such PaymentMethod: '${pm}'`,
  });
}

const CREATE_PARAMS = [
  'amount',
  'currency',
  'payment_method',
  'metadata',
  'automatic_payment_methods',
  'payment_method_types',
  'confirm',
  'description',
] as const;

/** Validates a create request (two-step flow only: `confirm` absent or false). */
export function parseCreate(form: Form): CreateParams | Reply {
  const bad = unknownParam(form, CREATE_PARAMS);
  if (bad) return bad;
  const amountText = str(form.amount);
  if (amountText === undefined) return invalidRequest('Missing required param: amount.', 'parameter_missing', 'amount');
  const amount = Number(amountText);
  if (!/^\d+$/.test(amountText) || !Number.isSafeInteger(amount) || amount < 1) {
    const message = 'Invalid integer: amount must be a positive integer in minor units.';
    return invalidRequest(message, 'parameter_invalid_integer', 'amount');
  }
  const currency = str(form.currency);
  if (currency === undefined)
    return invalidRequest('Missing required param: currency.', 'parameter_missing', 'currency');
  // Stricter than Stripe (which folds case): the backend must send lower case.
  if (!/^[a-z]{3}$/.test(currency))
    return invalidRequest(`Invalid currency: ${currency}.`, 'parameter_invalid', 'currency');
  const refusal = currencyRefusal(amount, currency);
  if (refusal) return refusal;
  if (str(form.confirm) === 'true') {
    const message = 'The fake supports the two-step flow only: create, then confirm.';
    return invalidRequest(message, 'parameter_unknown', 'confirm');
  }
  const pm = str(form.payment_method);
  if (pm !== undefined && !(pm in TEST_PAYMENT_METHODS)) return noSuchPaymentMethod(pm);
  const [metadata, badMetadata] = parseMetadata(form.metadata);
  if (badMetadata) return badMetadata;
  const methods = parseMethods(form);
  if ('status' in methods) return methods;
  return { amount, currency, paymentMethod: pm ?? null, metadata, ...methods };
}

/** The metadata, or the refusal (a pair: metadata keys are the caller's, so no key can tag a refusal). */
export function parseMetadata(meta: FormValue | undefined): [Record<string, string>, null] | [null, Reply] {
  if (meta === undefined) return [{}, null];
  if (typeof meta !== 'object' || Array.isArray(meta)) {
    return [null, invalidRequest('Invalid object: metadata.', 'parameter_invalid', 'metadata')];
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') {
      return [null, invalidRequest(`Invalid metadata value for ${k}.`, 'parameter_invalid', 'metadata')];
    }
    metadata[k] = v;
  }
  return [metadata, null];
}

/** `automatic_payment_methods` or `payment_method_types[]` (cards only), never both. */
function parseMethods(form: Form): Pick<CreateParams, 'paymentMethodTypes' | 'automaticPaymentMethods'> | Reply {
  const auto = form.automatic_payment_methods;
  const types = form.payment_method_types;
  if (auto !== undefined && types !== undefined) {
    const message = 'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.';
    return invalidRequest(message, 'parameter_invalid');
  }
  if (types !== undefined) {
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => t !== 'card')) {
      const message = 'The fake supports payment_method_types[]=card only.';
      return invalidRequest(message, 'parameter_invalid', 'payment_method_types');
    }
    return { paymentMethodTypes: ['card'], automaticPaymentMethods: null };
  }
  // Stripe's default for new integrations: automatic payment methods, redirects allowed.
  if (auto === undefined) {
    return { paymentMethodTypes: ['card'], automaticPaymentMethods: { enabled: true, allow_redirects: 'always' } };
  }
  const fields = typeof auto === 'object' && !Array.isArray(auto) ? auto : {};
  const redirects = str(fields.allow_redirects) ?? 'always';
  if (str(fields.enabled) !== 'true' || (redirects !== 'always' && redirects !== 'never')) {
    const message = 'automatic_payment_methods needs enabled=true and allow_redirects always or never.';
    return invalidRequest(message, 'parameter_invalid', 'automatic_payment_methods');
  }
  return { paymentMethodTypes: ['card'], automaticPaymentMethods: { enabled: true, allow_redirects: redirects } };
}

/** Stripe's 404 for an unknown PaymentIntent. */
export function missing(piId: string): Reply {
  return stripeError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'intent',
    message: `No such payment_intent: '${piId}'`,
  });
}

/** Stripe's refusal of an operation the PaymentIntent's state does not allow; the error carries the PaymentIntent. */
export function unexpectedState(pi: object, message: string): Reply {
  return stripeError(400, {
    type: 'invalid_request_error',
    code: 'payment_intent_unexpected_state',
    message,
    payment_intent: structuredClone(pi),
  });
}
