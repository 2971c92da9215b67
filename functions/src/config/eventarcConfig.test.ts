import { describe, expect, it } from 'vitest';
import { EVENTARC_PUBLISH_MS, parseConfig } from './index.js';
import { rejection } from './testing/rejection.js';

describe('EVENTARC_CHANNEL', () => {
  it('is unset by default: nothing is published', () => {
    expect(parseConfig({}).EVENTARC_CHANNEL).toBeUndefined();
  });

  it("takes the forms firebase-admin's channel() takes", () => {
    for (const name of [
      'firebase',
      'locations/europe-west1/channels/payments',
      'projects/demo-payments/locations/us-central1/channels/firebase',
    ]) {
      expect(parseConfig({ EVENTARC_CHANNEL: ` ${name} ` }).EVENTARC_CHANNEL).toBe(name);
    }
  });

  it('refuses anything else by name, before any function is defined', () => {
    for (const name of ['channels/firebase', 'locations/us-central1/firebase', 'projects/p/channels/x', 'a b']) {
      const err = rejection({ EVENTARC_CHANNEL: name });
      expect(err.details).toEqual({ variables: ['EVENTARC_CHANNEL'] });
      expect(err.message).toMatch(/EVENTARC_CHANNEL must be an Eventarc channel/);
    }
  });

  it('adds its publish bound to the payment path and to runReconciliation, which the callable timeout must fit', () => {
    // The payment path: 33000 + 3000 lookup + 2 x 10000 + 300 = 56300 ms; runReconciliation: 45000 + 10000 + 300 = 55300 ms.
    const payment = { CALLABLE_TIMEOUT_SECONDS: '57', PAYMENT_TOTAL_TIMEOUT_MS: '33000' };
    expect(() => parseConfig(payment)).not.toThrow();
    expect(rejection({ ...payment, EVENTARC_CHANNEL: 'firebase' }).message).toMatch(
      new RegExp(
        `payment path's worst case.*\\+ Eventarc publish \\(${EVENTARC_PUBLISH_MS}\\) = ${56_300 + EVENTARC_PUBLISH_MS} ms`,
      ),
    );
    const reconcile = { CALLABLE_TIMEOUT_SECONDS: '56' };
    expect(() => parseConfig(reconcile)).not.toThrow();
    expect(rejection({ ...reconcile, EVENTARC_CHANNEL: 'firebase' }).message).toMatch(
      new RegExp(
        `runReconciliation's worst case.*\\+ Eventarc publish \\(${EVENTARC_PUBLISH_MS}\\) = ${55_300 + EVENTARC_PUBLISH_MS} ms`,
      ),
    );
    expect(() =>
      parseConfig({ ...payment, CALLABLE_TIMEOUT_SECONDS: '58', EVENTARC_CHANNEL: 'firebase' }),
    ).not.toThrow();
  });
});
