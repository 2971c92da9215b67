/**
 * The payment simulator's control API (development only), through the one
 * client of it (devtools/payment-simulator/client.ts): fetch-based, allowed by
 * CORS, no authentication. Its errors become ApiErrors with the same code.
 */
import { ControlError, simulatorControl } from '../../../devtools/payment-simulator/client';
import { ApiError } from './errors';
import type { FaultConfig } from './types';

/** Base URL of the simulator from VITE_PAYMENT_SIMULATOR_URL, without a trailing slash, or null when unset. */
export function simulatorUrl(): string | null {
  const url = import.meta.env.VITE_PAYMENT_SIMULATOR_URL;
  return url ? url.replace(/\/+$/, '') : null;
}

async function asApiError<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ControlError) throw new ApiError(err.code, err.message);
    throw err;
  }
}

/** The simulator's current fault config. @throws ApiError */
export function getFaults(baseUrl: string): Promise<FaultConfig> {
  return asApiError(simulatorControl(baseUrl).faults());
}

/** Replaces the simulator's fault config; resolves to the config as stored. @throws ApiError */
export function setFaults(baseUrl: string, config: FaultConfig): Promise<FaultConfig> {
  return asApiError(simulatorControl(baseUrl).setFaults(config));
}
