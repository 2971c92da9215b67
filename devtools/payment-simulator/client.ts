/**
 * The one client of the simulator's control API (/__control/, see control.ts)
 * for the admin SPA, the benches and the tests. It uses only fetch and
 * type-only imports, so a browser bundle can include it; Node callers may pass
 * their own `send` (the bench sends each request on a fresh connection).
 */
import { controlCaller } from '../shared/controlClient.ts';
import type { ControlSend } from '../shared/controlClient.ts';
import type { FaultConfig } from './faults.ts';
import type { LedgerSnapshot, RefundRecord, RefundSnapshot, SimulatorStats } from './shapes.ts';

export { ControlError } from '../shared/controlClient.ts';
export type { ControlResponse, ControlSend } from '../shared/controlClient.ts';

/** The control API of one simulator. Every call rejects with ControlError (e.g. `INVALID_FAULT_CONFIG`). */
export type SimulatorControl = {
  /** Base URL without trailing slash. */
  readonly url: string;
  /** The fault config in force. */
  faults: () => Promise<FaultConfig>;
  /** Replaces the fault config; resolves to the config as stored. */
  setFaults: (config: FaultConfig) => Promise<FaultConfig>;
  /** What the simulator recorded. */
  ledger: () => Promise<LedgerSnapshot>;
  /** The refunds the simulator recorded. */
  refunds: () => Promise<RefundSnapshot>;
  /** Settles a pending refund (made pending by the fault `refundStatus`); resolves to the refund. */
  settleRefund: (refundId: string, status: 'succeeded' | 'failed', failureReason?: string) => Promise<RefundRecord>;
  /** Traffic counters (a control request counts as a connection, not as a provider request). */
  stats: () => Promise<SimulatorStats>;
  /** Clears ledger, counters and faults. */
  reset: () => Promise<{ ok: true }>;
};

/** A client of the simulator at `baseUrl`. */
export function simulatorControl(baseUrl: string, send?: ControlSend): SimulatorControl {
  const url = baseUrl.replace(/\/+$/, '');
  const call = controlCaller(url, 'payment simulator', 'Is it running?', send);
  return {
    url,
    faults: () => call<FaultConfig>('GET', 'faults'),
    setFaults: (config) => call<FaultConfig>('PUT', 'faults', config),
    ledger: () => call<LedgerSnapshot>('GET', 'ledger'),
    refunds: () => call<RefundSnapshot>('GET', 'refunds'),
    settleRefund: (refundId, status, failureReason) =>
      call<RefundRecord>('POST', 'refunds/settle', { refundId, status, ...(failureReason ? { failureReason } : {}) }),
    stats: () => call<SimulatorStats>('GET', 'stats'),
    reset: () => call<{ ok: true }>('POST', 'reset'),
  };
}
