import { describe, expect, it } from 'vitest';
import { STRIPE_TEST_METHODS, paymentIntentIdOf } from './stripeTest';

describe('Stripe test helpers', () => {
  it('reads the PaymentIntent id out of a client secret, and nothing out of anything else', () => {
    expect(paymentIntentIdOf('pi_3abc123_secret_XyZ789')).toBe('pi_3abc123');
    for (const bad of [undefined, '', 'pi_3abc123', 'seti_1_secret_2', 'pi_a_secret_b/../c', 'x pi_a_secret_b']) {
      expect(paymentIntentIdOf(bad)).toBeNull();
    }
  });

  it('offers the four test methods, the succeeding card first', () => {
    expect(STRIPE_TEST_METHODS.map((m) => m.id)).toEqual([
      'pm_card_visa',
      'pm_card_chargeDeclined',
      'pm_card_authenticationRequired',
      'pm_fake_processing',
    ]);
  });
});
