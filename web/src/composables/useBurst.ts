import { getCurrentScope, onScopeDispose, ref } from 'vue';
import { toApiError } from '../api/errors';
import { PaymentMethod, type ProcessPaymentRequest } from '../api/types';
import { newTransactionId } from '../lib/transactionId';
import { usePaymentSeal } from './usePaymentSeal';
import { useRefreshControl } from './useRefreshControl';

/** Payments in flight at once during a burst. */
export const BURST_CONCURRENCY = 5;
/** Largest burst the form accepts, so a typo does not hammer the backend. */
export const MAX_BURST = 200;

/** A small payment with a fresh transaction id (1.00 to 9.99 USD). */
export function burstRequest(): ProcessPaymentRequest {
  const cents = 100 + Math.floor(Math.random() * 900);
  return {
    amount: cents / 100,
    currency: 'USD',
    paymentMethod: PaymentMethod.creditCard,
    transactionId: newTransactionId(),
  };
}

/**
 * Fires N payments with at most `concurrency` in flight and tallies the
 * outcomes by status (`succeeded`, `declined`) or error code (`unavailable`…),
 * to watch the breaker open and recover. Stopping (or unmounting) lets the
 * payments in flight finish but starts no more.
 */
export function useBurst() {
  const total = ref(0);
  const done = ref(0);
  const running = ref(false);
  const tally = ref<Record<string, number>>({});
  const durationMs = ref<number | null>(null);
  let stopRequested = false;
  // The fleet panels refresh once the burst is over (each payment's instance published its numbers before answering).
  const control = useRefreshControl();
  const { pay } = usePaymentSeal();

  async function run(count: number, concurrency = BURST_CONCURRENCY): Promise<void> {
    if (running.value || count < 1) return;
    stopRequested = false;
    running.value = true;
    total.value = count;
    done.value = 0;
    tally.value = {};
    durationMs.value = null;
    const started = performance.now();
    let next = 0;
    async function worker(): Promise<void> {
      while (!stopRequested && next < count) {
        next += 1;
        let outcome: string;
        try {
          outcome = (await pay(burstRequest())).status;
        } catch (err) {
          outcome = toApiError(err).code;
        }
        tally.value = { ...tally.value, [outcome]: (tally.value[outcome] ?? 0) + 1 };
        done.value += 1;
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    } finally {
      running.value = false;
      durationMs.value = performance.now() - started;
      control.changed();
    }
  }

  function stop(): void {
    stopRequested = true;
  }

  if (getCurrentScope()) onScopeDispose(stop);
  return { total, done, running, tally, durationMs, run, stop };
}
