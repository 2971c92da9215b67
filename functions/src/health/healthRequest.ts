/**
 * How the `health` endpoint answers one HTTP request, apart from Express:
 * GET only; 200 with the states, or 503 when payments cannot be taken;
 * `?deep=1` adds this instance's numbers, for admins only (401 without a valid
 * ID token, 403 without the admin claim). Never cached by intermediaries:
 * the deep view depends on who asks, and a stale 200 would hide an outage.
 */
import { HealthState, type HealthDeepReport, type HealthReport } from '../api/index.js';
import type { Caller } from '../access/auth.js';
import { publicReport } from './healthMonitor.js';

/** The parts of an HTTP request the endpoint reads. */
export interface HealthRequest {
  method: string;
  /** The `deep` query parameter, when present. */
  deep: unknown;
  authorization: string | undefined;
}

/** What to send back. */
export interface HealthReply {
  status: number;
  headers: Record<string, string>;
  body: HealthReport | HealthDeepReport | { error: string; message: string };
}

/** What answering needs: the cached check, and who is asking (null: no valid ID token). */
export interface HealthDeps {
  check(): Promise<HealthDeepReport>;
  caller(authorization: string | undefined): Promise<Caller | null>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

/** True for `deep=1` / `deep=true`. */
function wantsDeep(deep: unknown): boolean {
  return deep === '1' || deep === 'true';
}

/** Answers one request; never throws for a failing component (that is a 503 with the states). */
export async function answerHealth(req: HealthRequest, deps: HealthDeps): Promise<HealthReply> {
  if (req.method !== 'GET') {
    return {
      status: 405,
      headers: { ...NO_STORE, Allow: 'GET' },
      body: { error: 'method-not-allowed', message: 'The health endpoint answers GET only.' },
    };
  }
  const deep = wantsDeep(req.deep);
  if (deep) {
    const caller = await deps.caller(req.authorization);
    if (!caller) {
      return {
        status: 401,
        headers: { ...NO_STORE, 'WWW-Authenticate': 'Bearer' },
        body: {
          error: 'unauthenticated',
          message: 'The deep health view needs an admin\'s Firebase ID token in "Authorization: Bearer <token>".',
        },
      };
    }
    if (!caller.admin) {
      return {
        status: 403,
        headers: NO_STORE,
        body: { error: 'permission-denied', message: 'The deep health view is for admins only.' },
      };
    }
  }
  const report = await deps.check();
  return {
    status: report.status === HealthState.down ? 503 : 200,
    headers: NO_STORE,
    body: deep ? report : publicReport(report),
  };
}
