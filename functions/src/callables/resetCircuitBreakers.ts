import { z } from 'zod';
import type { ResetBreakersResult } from '../api/index.js';
import { resetBreakers } from '../app/resetBreakers.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

const Payload = z.strictObject({
  serviceName: z.string().min(1, 'must be a service name such as payment-service').optional(),
});

/**
 * `resetCircuitBreakers` (admins only): `{ serviceName? }` closes that breaker,
 * or all of them, fleet-wide -> `{ reset: [names], at }`. Unknown name -> not-found.
 */
export const resetCircuitBreakers = defineCallable(
  'resetCircuitBreakers',
  Access.admin,
  (data, caller, rt): Promise<ResetBreakersResult> =>
    resetBreakers(rt, parsePayload(Payload, data).serviceName, caller.uid),
);
