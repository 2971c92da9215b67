/**
 * The payment provider simulator (devtools/payment-simulator) for the
 * functions' tests, started on a free port and reached over real HTTP.
 */
import { useDevServer } from '../../testing/devServer.js';
import { startSimulators, type Simulator } from './simulatorFleet.js';

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
