// Drives the payment simulator started by scripts/test.mjs through its control API.
import type { FaultConfig } from '../../devtools/payment-simulator/faults.ts';
import type { LedgerSnapshot } from '../../devtools/payment-simulator/ledger.ts';
import type { SimulatorStats } from '../../devtools/payment-simulator/traffic.ts';

export const SIMULATOR_URL = process.env.PAYMENT_SIMULATOR_URL ?? 'http://127.0.0.1:8710';

/** Calls the control API; `T` is the shape of the JSON it answers with. */
async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SIMULATOR_URL}/__control/${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const setFaults = (faults: FaultConfig) => control<FaultConfig>('PUT', 'faults', faults);
export const ledger = () => control<LedgerSnapshot>('GET', 'ledger');
export const stats = () => control<SimulatorStats>('GET', 'stats');
export const resetSimulator = () => control<{ ok: boolean }>('POST', 'reset');
