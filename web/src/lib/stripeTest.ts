/**
 * Stripe's test PaymentMethods the admin page offers in Stripe mode (test keys
 * and the Stripe fake only: a live key refuses them), and reading a
 * PaymentIntent id out of a client secret.
 */

/** One test PaymentMethod and what it does. */
export type StripeTestMethod = { id: string; label: string };

/** The test PaymentMethods of the payment test, the default first. */
export const STRIPE_TEST_METHODS: readonly StripeTestMethod[] = [
  { id: 'pm_card_visa', label: 'Visa: succeeds' },
  { id: 'pm_card_chargeDeclined', label: 'Declined (generic_decline)' },
  { id: 'pm_card_authenticationRequired', label: '3-D Secure required' },
  { id: 'pm_fake_processing', label: 'Stays processing (Stripe fake only)' },
];

/**
 * The PaymentIntent a client secret belongs to: Stripe's client secrets are
 * `<PaymentIntent id>_secret_<random>`. Null for anything else.
 */
export function paymentIntentIdOf(clientSecret: string | undefined): string | null {
  const match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(clientSecret ?? '');
  return match ? match[1]! : null;
}
