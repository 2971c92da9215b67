import { z } from 'zod';
import type { DatabasePoolStatus } from '../api/index.js';
import { databasePoolStatus } from '../stats/poolReports.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `getDatabasePoolStatus` (admins only, no payload) -> `{ status, at, fleet, instances }`:
 * the Firestore query pool numbers of every live instance and their fleet total.
 */
export const getDatabasePoolStatus = defineCallable(
  'getDatabasePoolStatus',
  Access.admin,
  (data, _caller, rt): Promise<DatabasePoolStatus> => {
    parsePayload(z.strictObject({}), data);
    return databasePoolStatus(rt);
  },
);
