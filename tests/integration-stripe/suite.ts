/**
 * The sessions and hooks the Stripe-mode payment suites share: a new user and
 * the admin, opened once the webhook is warm, with the breakers reset; after
 * each test the fake's faults are cleared, held webhooks released and
 * delivered, and the ledger checked against the fake.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { USERS, session, type Session } from '../integration/client.js';
import { expectLedgersAgree } from './ledgerCheck.js';
import { holdWebhooks, setFaults, warmWebhook, webhooksDelivered } from './stripeFake.js';

/** A suite's sessions, open from its beforeAll on. */
export interface StripeSuite {
  user: Session;
  admin: Session;
}

/**
 * Registers the shared hooks (call inside the suite's describe) and returns its
 * sessions. `resetBreakersAfterEach`: the 500s of one test may open the payment
 * breaker, so the next test starts with it closed.
 */
export function useStripeSuite(o: { resetBreakersAfterEach: boolean }): StripeSuite {
  const suite = {} as StripeSuite;
  beforeAll(async () => {
    [suite.user, suite.admin] = await Promise.all([session('new'), session(USERS.admin), warmWebhook()]);
    await suite.admin.call('resetCircuitBreakers', {});
  });
  afterEach(async () => {
    await setFaults({ mode: 'none' });
    if (o.resetBreakersAfterEach) await suite.admin.call('resetCircuitBreakers', {});
    await holdWebhooks(false);
    await webhooksDelivered();
    await expectLedgersAgree();
  });
  afterAll(async () => Promise.all([suite.user, suite.admin].map((s) => s?.close())));
  return suite;
}
