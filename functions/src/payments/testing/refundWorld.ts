import type { RefundPaymentRequest } from '../../api/index.js';
import { MemoryBreakerStore } from '../../resilience/breaker/breakerStore.js';
import { FleetCircuitBreaker } from '../../resilience/breaker/circuitBreaker.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import type { PaymentGuard } from '../chargeAttempts.js';
import { MemoryRefundLedger } from '../refunds/memoryRefundLedger.js';
import { refundPayment } from '../refunds/refundPayment.js';
import type { RefundAnswer, RefundLookupAnswer } from '../refunds/refundProvider.js';
import { SETTINGS, T0, type SeenEvent } from './handlerKit.js';
import { payment } from './refundKit.js';
import { ScriptedRefundProvider, type Scripted } from './scriptedRefundProvider.js';

/**
 * A world for the refund decision table: a fake clock (sleeping advances it),
 * the in-memory ledgers holding a succeeded payment `tx-1` of 100.00 USD, a
 * real fleet breaker on an in-memory store, scripted providers and the events.
 */
export function refundWorld() {
  const world = {
    clock: T0,
    events: [] as SeenEvent[],
    store: new MemoryBreakerStore(),
    now: () => world.clock,
    payments: undefined as unknown as MemoryLedger,
    refunds: undefined as unknown as MemoryRefundLedger,
    /** One refundPayment call by admin a1 over a fresh scripted provider. */
    async call(
      input: Partial<RefundPaymentRequest>,
      refunds: Scripted<RefundAnswer>[] = [],
      lookups: Scripted<RefundLookupAnswer>[] = [],
      guard?: PaymentGuard,
    ) {
      const provider = new ScriptedRefundProvider(refunds, lookups);
      const breaker = guard ?? new FleetCircuitBreaker('payment-service', world.store, { minCalls: 5 }, world.now);
      const run = refundPayment(
        {
          ledger: world.refunds,
          incidents: world.payments,
          provider,
          breaker,
          settings: SETTINGS,
          money: ISO_4217_MONEY,
          now: world.now,
          sleep: (ms) => {
            world.clock += ms;
            return Promise.resolve();
          },
          emit: ({ type, severity, ...fields }) => world.events.push({ event: type, fields, severity }),
        },
        { transactionId: 'tx-1', refundId: 'r1', ...input },
        { uid: 'a1' },
      );
      const result = await run.then(
        (ok) => ({ ok, error: undefined }),
        (error: unknown) => ({ ok: undefined, error: error as { code: string; details?: Record<string, unknown> } }),
      );
      return { ...result, provider };
    },
    refund: (refundId = 'r1') => world.refunds.getRefund('tx-1', refundId),
    totals: () => {
      const p = world.payments.peek('tx-1');
      return { refundedAmount: p?.refundedAmount ?? 0, pendingRefundAmount: p?.pendingRefundAmount ?? 0 };
    },
    seen: (event: string) => world.events.filter((e) => e.event === event),
  };
  world.payments = new MemoryLedger(world.now);
  world.payments.put('tx-1', payment({ createdAt: T0 - 60_000, updatedAt: T0 - 60_000 }));
  world.refunds = new MemoryRefundLedger(world.payments, world.now);
  return world;
}
