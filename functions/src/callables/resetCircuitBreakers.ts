import { z } from 'zod';
import type { ResetBreakersResult } from '../api.js';
import { logEvent } from '../observability/logger.js';
import { publishIfDue } from '../stats/instanceStats.js';
import { Access, defineCallable } from './defineCallable.js';
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
  async (data, caller, rt): Promise<ResetBreakersResult> => {
    const { serviceName } = parsePayload(Payload, data);
    const names = serviceName === undefined ? rt.breakers.names() : [serviceName];
    if (serviceName === undefined) await rt.breakers.resetAll();
    else await rt.breakers.reset(serviceName);
    logEvent('breaker.reset_requested', { services: names, uid: caller.uid }, 'NOTICE');
    await publishIfDue(rt, { force: true });
    return { reset: names, at: Date.now() };
  },
);
