/**
 * The payment provider simulator (devtools/payment-simulator) for the
 * functions' tests, started on a free port and reached over real HTTP: one, or
 * several as the endpoints of one provider.
 */
import { useDevServer } from '../../testing/devServer.js';
import { closeAll, startSimulators, type Simulator } from './simulatorFleet.js';

/** The parts of devtools/payment-simulator/server.ts the tests use (declared once, in simulatorFleet.ts). */
export type PaymentSimulator = Simulator;

/**
 * Starts the simulator (accepting `apiKey`) before the file's tests, resets it
 * (ledger, counters, faults) before each and stops it after all. The returned
 * function gives the running simulator.
 */
export function usePaymentSimulator(apiKey: string): () => PaymentSimulator {
  return useDevServer('the payment simulator', async () => (await startSimulators(1, apiKey))[0]!);
}

/**
 * Starts `n` simulators (accepting `apiKey`) before the file's tests, resets
 * each before every test and stops them after all. The returned list holds the
 * running simulators, in start order, from beforeAll on.
 */
export function usePaymentSimulators(n: number, apiKey: string): readonly PaymentSimulator[] {
  const sims: PaymentSimulator[] = [];
  useDevServer('the payment simulators', async () => {
    sims.push(...(await startSimulators(n, apiKey)));
    return {
      close: () => closeAll(sims.splice(0)),
      reset: () => {
        for (const s of sims) s.reset();
      },
    };
  });
  return sims;
}
