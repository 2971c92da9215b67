import { z } from 'zod';
import type { DatabasePoolStatus } from '../api.js';
import { publishIfDue } from '../stats/instanceStats.js';
import { fleetStatus, freshSnapshots, sumDb } from '../stats/fleetStats.js';
import { Access, defineCallable } from './defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `getDatabasePoolStatus` (admins only, no payload) -> `{ status, at, fleet, instances }`:
 * the Firestore query pool numbers of every live instance and their fleet total.
 */
export const getDatabasePoolStatus = defineCallable(
  'getDatabasePoolStatus',
  Access.admin,
  async (data, _caller, rt): Promise<DatabasePoolStatus> => {
    parsePayload(z.strictObject({}), data);
    await publishIfDue(rt, { force: true });
    const snapshots = await freshSnapshots(rt);
    const instances = snapshots.map((s) => ({
      instanceId: s.instanceId,
      function: s.function,
      updatedAt: s.updatedAt,
      ...s.db,
    }));
    return {
      status: fleetStatus(snapshots.map((s) => s.db.status)),
      at: Date.now(),
      fleet: sumDb(snapshots.map((s) => s.db)),
      instances,
    };
  },
);
