import { z } from 'zod';
import type { ConnectionPoolStats } from '../api/index.js';
import { connectionPoolStats } from '../stats/poolReports.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

const Payload = z.strictObject({ check: z.boolean({ error: 'must be true or false' }).optional() });

/**
 * `getConnectionPoolStats` (admins only): `{ check? }` -> `{ at, paymentProvider, services, ledger, instances, cloudwatch }`.
 * Breaker state is the fleet's; pool numbers are summed over live instances.
 * `check: true` runs this instance's health checks first (the provider's only
 * where PAYMENT_API_KEY is mounted: the emulator, not production).
 */
export const getConnectionPoolStats = defineCallable(
  'getConnectionPoolStats',
  Access.admin,
  (data, _caller, rt): Promise<ConnectionPoolStats> => connectionPoolStats(rt, parsePayload(Payload, data)),
);
