/**
 * The payment provider simulator (devtools/payment-simulator) for the
 * functions' tests, started on a free port and reached over real HTTP.
 */
import path from 'node:path';
import { useDevServer } from '../../testing/devServer.js';

/** The parts of devtools/payment-simulator/server.ts the tests use. */
export interface PaymentSimulator {
  url: string;
  close(): Promise<void>;
  setFaults(f: {
    mode: 'none' | 'latency' | 'outage' | 'errors' | 'hang';
    latencyMs?: number;
    errorRate?: number;
  }): unknown;
  ledger(): { charges: { transactionId: string }[]; chargeRequests: Record<string, number> };
  /** Traffic counters: provider requests by endpoint, and in flight now and at the peak. */
  stats(): {
    requests: Record<'charge' | 'lookup' | 'health' | 'other', number>;
    inFlight: number;
    peakInFlight: number;
  };
  reset(): void;
}

// Loaded at run time (vitest strips the types): devtools code is not part of the functions build.
const SERVER = path.resolve(__dirname, '../../../../devtools/payment-simulator/server.ts');

/**
 * Starts the simulator (accepting `apiKey`) before the file's tests, resets it
 * (ledger, counters, faults) before each and stops it after all. The returned
 * function gives the running simulator.
 */
export function usePaymentSimulator(apiKey: string): () => PaymentSimulator {
  return useDevServer('the payment simulator', async () => {
    const mod = (await import(SERVER)) as {
      startPaymentSimulator(o: { port: number; apiKey: string }): Promise<PaymentSimulator>;
    };
    return mod.startPaymentSimulator({ port: 0, apiKey });
  });
}
