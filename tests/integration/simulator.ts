// Drives the payment simulator started by scripts/test.mjs through its control API.
export const SIMULATOR_URL = process.env.PAYMENT_SIMULATOR_URL ?? 'http://127.0.0.1:8710';

export interface Charge {
  transactionId: string;
  id: string;
  status: 'succeeded' | 'declined';
  amount: number;
  currency: string;
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${SIMULATOR_URL}/__control/${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export const setFaults = (faults: Record<string, unknown>) => control('PUT', 'faults', faults);
export const ledger = (): Promise<{ charges: Charge[]; chargeRequests: Record<string, number> }> =>
  control('GET', 'ledger');
