/**
 * The Stripe fake's control API (development with the emulators only), reached
 * directly with fetch: it allows CORS and needs no authentication. Used to
 * finish a 3-D Secure step that, in production, the customer finishes in
 * Stripe.js.
 */
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
  const url = `${baseUrl}/__control/payment_intents/${encodeURIComponent(paymentIntentId)}/complete_authentication`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ succeed }),
    });
  } catch (err) {
    throw new ApiError(
      'network-error',
      `Could not reach the Stripe fake at ${baseUrl} (${err instanceof Error ? err.message : String(err)}). Is it running (npm start -- --stripe)?`,
    );
  }
  if (!response.ok) {
    // The fake answers control errors as {"error":{"message"}}.
    const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = body?.error?.message;
    throw new ApiError(
      `http-${response.status}`,
      typeof message === 'string' ? message : `The Stripe fake answered HTTP ${response.status}.`,
    );
  }
}
