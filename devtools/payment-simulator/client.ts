/**
 * The one client of the simulator's control API (/__control/, see control.ts)
 * for the admin SPA, the benches and the tests. It uses only fetch and
 * type-only imports, so a browser bundle can include it; Node callers may pass
 * their own `send` (the bench sends each request on a fresh connection).
 */
import type { FaultConfig } from './faults.ts';
import type { LedgerSnapshot, SimulatorStats } from './shapes.ts';

/** The part of a fetch Response the client reads. */
export type ControlResponse = { ok: boolean; status: number; text(): Promise<string> };

/** Sends one control request; the global fetch by default. */
export type ControlSend = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<ControlResponse>;

/**
 * A control request that failed: `code` is the simulator's error code (e.g.
 * `INVALID_FAULT_CONFIG`), `http-<status>` when it gave none, or
 * `network-error` when the simulator could not be reached (`status` null).
 */
export class SimulatorControlError extends Error {
  readonly code: string;
  readonly status: number | null;

  constructor(code: string, message: string, status: number | null) {
    super(message);
    this.name = 'SimulatorControlError';
    this.code = code;
    this.status = status;
  }
}

/** The control API of one simulator. Every call rejects with SimulatorControlError. */
export type SimulatorControl = {
  /** Base URL without trailing slash. */
  readonly url: string;
  /** The fault config in force. */
  faults: () => Promise<FaultConfig>;
  /** Replaces the fault config; resolves to the config as stored. */
  setFaults: (config: FaultConfig) => Promise<FaultConfig>;
  /** What the simulator recorded. */
  ledger: () => Promise<LedgerSnapshot>;
  /** Traffic counters (a control request counts as a connection, not as a provider request). */
  stats: () => Promise<SimulatorStats>;
  /** Clears ledger, counters and faults. */
  reset: () => Promise<{ ok: true }>;
};

const fetchSend: ControlSend = (url, init) => fetch(url, init);

/** The error body the simulator answers with: `{ error: { code, message } }`. */
function parseError(text: string): { code?: unknown; message?: unknown } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  } catch {
    return undefined;
  }
}

/** A client of the simulator at `baseUrl`. */
export function simulatorControl(baseUrl: string, send: ControlSend = fetchSend): SimulatorControl {
  const url = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: ControlResponse;
    let text: string;
    try {
      res = await send(`${url}/__control/${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await res.text();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new SimulatorControlError(
        'network-error',
        `Could not reach the payment simulator at ${url} (${why}). Is it running?`,
        null,
      );
    }
    if (!res.ok) {
      const error = parseError(text);
      throw new SimulatorControlError(
        typeof error?.code === 'string' ? error.code : `http-${res.status}`,
        typeof error?.message === 'string' ? error.message : `The simulator answered HTTP ${res.status}.`,
        res.status,
      );
    }
    return JSON.parse(text) as T;
  }

  return {
    url,
    faults: () => call<FaultConfig>('GET', 'faults'),
    setFaults: (config) => call<FaultConfig>('PUT', 'faults', config),
    ledger: () => call<LedgerSnapshot>('GET', 'ledger'),
    stats: () => call<SimulatorStats>('GET', 'stats'),
    reset: () => call<{ ok: true }>('POST', 'reset'),
  };
}
