/**
 * The Stripe fake's control API (development with the emulators only), through
 * the one client of it (devtools/stripe-fake/client.ts): fetch-based, allowed
 * by CORS, no authentication. Used to finish a 3-D Secure step that, in
 * production, the customer finishes in Stripe.js.
 */
import { ControlError, stripeFakeControl } from '../../../devtools/stripe-fake/client';
import { usesEmulators } from '../lib/buildEnv';
import { ApiError } from './errors';

/**
 * Base URL of the fake from VITE_STRIPE_FAKE_URL, without a trailing slash; null
 * when unset or when the page does not talk to the emulators, so a production
 * build never offers the development action.
 */
export function stripeFakeUrl(
  env: Record<string, unknown> = import.meta.env,
  dev = import.meta.env.DEV,
): string | null {
  const url = env.VITE_STRIPE_FAKE_URL;
  if (typeof url !== 'string' || url.trim() === '' || !usesEmulators(env, dev)) return null;
  return url.trim().replace(/\/+$/, '');
}

/** Finishes the 3-D Secure step of a PaymentIntent at the fake (`succeed: false` fails it). @throws ApiError */
export async function completeAuthentication(baseUrl: string, paymentIntentId: string, succeed = true): Promise<void> {
  try {
    await stripeFakeControl(baseUrl).completeAuthentication(paymentIntentId, succeed);
  } catch (err) {
    if (err instanceof ControlError) throw new ApiError(err.code, err.message);
    throw err;
  }
}
