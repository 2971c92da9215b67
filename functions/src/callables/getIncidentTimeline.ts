import { z } from 'zod';
import type { IncidentTimeline } from '../api/index.js';
import { incidentTimeline } from '../stats/incidentTimeline.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

const Payload = z.strictObject({});

/**
 * `getIncidentTimeline` (admins only): no payload -> `{ at, since, events, truncated }`,
 * the fleet's breaker transitions, ejections, limit changes, rejections and
 * unknown payments of the last hour, newest first. This instance publishes its
 * own snapshot first, so its incidents are included.
 */
export const getIncidentTimeline = defineCallable(
  'getIncidentTimeline',
  Access.admin,
  async (data, _caller, rt): Promise<IncidentTimeline> => {
    parsePayload(Payload, data);
    await rt.stats.publishIfDue({ force: true });
    return incidentTimeline(rt.runQuery);
  },
);
