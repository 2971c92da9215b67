import { call } from './callables';
import type { IncidentTimeline } from './types';

/** The fleet's incidents of the last hour, newest first. @throws ApiError */
export function getIncidentTimeline(): Promise<IncidentTimeline> {
  return call<IncidentTimeline>('getIncidentTimeline');
}
