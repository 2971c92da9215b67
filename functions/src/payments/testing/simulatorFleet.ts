/**
 * Several payment provider simulators (devtools/payment-simulator) started
 * in-process on free ports, as the endpoints of one provider, for the
 * functions' tests over real HTTP.
 */
import path from 'node:path';

/** Fault settings of the simulator the tests use. */
export interface SimFaults {
  mode: 'none' | 'latency' | 'outage' | 'errors' | 'lost-response' | 'hang' | 'commit-then-timeout';
  latencyMs?: number;
  loadLatencyMs?: number;
  errorRate?: number;
  /** What lookups get instead of the provider's answer: `gateway-404`, a 404 without the contract's code. */
  lookupFault?: 'gateway-404';
  /** Mode commit-then-timeout: how long the answer is held after the money moved. */
  commitDelayMs?: number;
  /** New refunds are recorded `pending`, settled later through the control API. */
  refundStatus?: 'pending';
}

/** The parts of devtools/payment-simulator/server.ts the tests use. */
export interface Simulator {
  url: string;
  close(): Promise<void>;
  setFaults(f: SimFaults): unknown;
  ledger(): {
    charges: { id: string; transactionId: string; amount: number; status: string }[];
    chargeRequests: Record<string, number>;
  };
  /** The refunds it recorded. */
  refunds(): {
    refunds: { id: string; refundId: string; transactionId: string; amount: number; status: string }[];
    refundRequests: Record<string, number>;
  };
  /** Traffic counters: provider requests by endpoint, and in flight now and at the peak. */
  stats(): {
    requests: Record<'charge' | 'lookup' | 'refund' | 'refundLookup' | 'health' | 'other', number>;
    inFlight: number;
    peakInFlight: number;
  };
  reset(): void;
}

// Loaded at run time (vitest strips the types): devtools code is not part of the functions build.
const SERVER = path.resolve(__dirname, '../../../../devtools/payment-simulator/server.ts');

/** Starts `n` simulators accepting `apiKey`; close them with {@link closeAll}. */
export async function startSimulators(n: number, apiKey: string): Promise<Simulator[]> {
  const mod = (await import(SERVER)) as {
    startPaymentSimulator(o: { port: number; apiKey: string }): Promise<Simulator>;
  };
  return Promise.all(Array.from({ length: n }, () => mod.startPaymentSimulator({ port: 0, apiKey })));
}

/** Stops every simulator. */
export async function closeAll(sims: readonly Simulator[]): Promise<void> {
  await Promise.all(sims.map((s) => s.close()));
}
