import { z } from 'zod';
import type { ConnectionPoolStats, ShipperStats } from '../api.js';
import { PAYMENT_SERVICE } from '../payments/providerClient.js';
import { freshSnapshots, sumService } from '../stats/fleetStats.js';
import { publishIfDue, serviceView } from '../stats/instanceStats.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

const Payload = z.strictObject({ check: z.boolean({ error: 'must be true or false' }).optional() });

/**
 * `getConnectionPoolStats` (admins only): `{ check? }` -> `{ at, services, instances, cloudwatch }`.
 * Breaker state is the fleet's (from Firestore); pool numbers are summed over
 * live instances. `check: true` runs health checks from this instance first.
 */
export const getConnectionPoolStats = defineCallable(
  'getConnectionPoolStats',
  Access.admin,
  async (data, _caller, rt): Promise<ConnectionPoolStats> => {
    const { check } = parsePayload(Payload, data);
    if (check) {
      rt.payments(); // registers the payment-service HTTP client
      await rt.http.checkHealth(PAYMENT_SERVICE);
    }
    await Promise.all(rt.breakers.names().map((n) => rt.breakers.get(n).sync()));
    await publishIfDue(rt, { force: true });
    const snapshots = await freshSnapshots(rt);
    const services = Object.fromEntries(
      rt.breakers.names().map((name) => [
        name,
        sumService(
          serviceView(rt, name).breaker,
          snapshots.flatMap((s) => (s.services[name] ? [s.services[name]] : [])),
        ),
      ]),
    );
    const shippers: ShipperStats[] = snapshots.flatMap((s) => (s.cloudwatch ? [s.cloudwatch] : []));
    return {
      at: Date.now(),
      services,
      instances: snapshots.map((s) => ({
        instanceId: s.instanceId,
        function: s.function,
        updatedAt: s.updatedAt,
        services: s.services,
        cloudwatch: s.cloudwatch,
      })),
      cloudwatch: shippers.length ? sumShippers(shippers) : null,
    };
  },
);

/** Fleet total of the CloudWatch shippers: counters summed, newest error and success. */
function sumShippers(all: ShipperStats[]): ShipperStats {
  const newest = <T extends { at: number } | null>(xs: T[]) =>
    xs.filter(Boolean).sort((a, b) => b!.at - a!.at)[0] ?? null;
  return {
    enabled: all.some((s) => s.enabled),
    buffered: all.reduce((n, s) => n + s.buffered, 0),
    sent: all.reduce((n, s) => n + s.sent, 0),
    failed: all.reduce((n, s) => n + s.failed, 0),
    dropped: all.reduce((n, s) => n + s.dropped, 0),
    lastError: newest(all.map((s) => s.lastError)),
    lastSuccessAt: Math.max(0, ...all.map((s) => s.lastSuccessAt ?? 0)) || null,
  };
}
