/**
 * The payment simulator's control API (development only), reached directly
 * with fetch: it allows CORS and needs no authentication.
 */
import { ApiError } from './errors';
import type { FaultConfig } from './types';

/** Base URL of the simulator from VITE_PAYMENT_SIMULATOR_URL, without a trailing slash, or null when unset. */
export function simulatorUrl(): string | null {
  const url = import.meta.env.VITE_PAYMENT_SIMULATOR_URL;
  return url ? url.replace(/\/+$/, '') : null;
}

async function control<T>(baseUrl: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/__control/faults`, init);
  } catch (err) {
    throw new ApiError(
      'network-error',
      `Could not reach the payment simulator at ${baseUrl} (${err instanceof Error ? err.message : String(err)}). Is it running?`,
    );
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // The simulator answers errors as {"error":{"code","message"}}.
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new ApiError(
      typeof error?.code === 'string' ? error.code : `http-${response.status}`,
      typeof error?.message === 'string' ? error.message : `The simulator answered HTTP ${response.status}.`,
    );
  }
  return body as T;
}

/** The simulator's current fault config. @throws ApiError */
export function getFaults(baseUrl: string): Promise<FaultConfig> {
  return control<FaultConfig>(baseUrl, { method: 'GET' });
}

/** Replaces the simulator's fault config; resolves to the config as stored. @throws ApiError */
export function setFaults(baseUrl: string, config: FaultConfig): Promise<FaultConfig> {
  return control<FaultConfig>(baseUrl, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(config),
  });
}
