import { MemoryBreakerStore } from '../../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../../resilience/breaker/circuitBreaker.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import type { ProcessPaymentRequest } from '../../api/index.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { PaymentHandler, type PaymentGuard } from '../paymentHandler.js';
import type { PaymentSeals } from '../paymentSeals.js';
import type { PaymentSettings } from '../settingsFromConfig.js';
import type { ChargeAnswer, LookupAnswer } from '../provider/paymentProvider.js';
import { ScriptedProvider, type ScriptedCharge } from './scriptedProvider.js';

/** Start of the fake clock. */
export const T0 = 1_700_000_000_000;

/** Settings of the decision-table tests (the production defaults). */
export const SETTINGS: PaymentSettings = {
  attemptTimeoutMs: 5000,
  attempts: 3,
  totalTimeoutMs: 25_000,
  maxAmount: 1_000_000,
  settleMs: 60_000,
  idempotencyTtlMs: 86_400_000,
};

/** A payment of 25.99 USD under `txn_1`. */
export const pay = (over: Partial<ProcessPaymentRequest> = {}): ProcessPaymentRequest => ({
  amount: 25.99,
  paymentMethod: 'credit_card',
  transactionId: 'txn_1',
  ...over,
});
export const ok: ChargeAnswer = { kind: 'succeeded', chargeId: 'ch_1', amount: 2599, currency: 'USD' };
export const timeout: ChargeAnswer = { kind: 'no-answer', sent: true, reason: 'timeout' };
export const found = (chargeId = 'ch_1', amount = 2599): LookupAnswer => ({
  kind: 'found',
  charge: { kind: 'succeeded', chargeId, amount, currency: 'USD' },
});

/** A recorded event of the payment path. */
export interface SeenEvent {
  event: string;
  fields: Record<string, unknown>;
  severity: string | undefined;
}

/**
 * A world for the payment decision table: a fake clock (sleeping advances it,
 * so backoff and deadlines are exact), the in-memory ledger, a real fleet
 * breaker on an in-memory store, scripted providers and the events they caused.
 */
export function paymentWorld() {
  const world = {
    clock: T0,
    sleeps: [] as number[],
    events: [] as SeenEvent[],
    store: new MemoryBreakerStore(),
    ledger: undefined as unknown as MemoryLedger,
    /** The handlers' sealed reads of users' limits; none unless a test sets them. */
    seals: undefined as PaymentSeals | undefined,
    /** The reference the scripted providers' `prepare` answers (default: the transactionId, stored nowhere). */
    providerRef: undefined as ((req: PaymentRequest) => string) | undefined,
    now: () => world.clock,
    /** A handler over a fresh scripted provider (and, optionally, another guard than the breaker). */
    handlerWith(charges: ScriptedCharge[] = [], lookups: LookupAnswer[] = [], guard?: PaymentGuard) {
      return world.handlerOn(new ScriptedProvider(charges, lookups, world.providerRef), guard);
    },
    /** A handler over `provider` (e.g. one with its own references, like Stripe's PaymentIntent ids). */
    handlerOn<P extends ScriptedProvider>(provider: P, guard?: PaymentGuard) {
      const breaker = guard ?? new FleetCircuitBreaker('payment-service', world.store, { minCalls: 5 }, world.now);
      const handler = new PaymentHandler({
        ledger: world.ledger,
        provider,
        breaker,
        settings: SETTINGS,
        seals: world.seals,
        now: world.now,
        sleep: (ms) => {
          world.sleeps.push(ms);
          world.clock += ms;
          return Promise.resolve();
        },
        events: ({ type, severity, ...fields }) => world.events.push({ event: type, fields, severity }),
      });
      return { handler, provider };
    },
    record: (id = 'txn_1') => world.ledger.get(id),
  };
  world.ledger = new MemoryLedger(world.now);
  return world;
}
