/**
 * `health` (2nd gen `onRequest`, public, GET): the uptime-check endpoint, a
 * thin wrapper around answerHealth. The monitor is per instance and caches for
 * HEALTH_CACHE_MS; the deep view verifies a Firebase ID token with
 * firebase-admin and refuses an admin whose session was revoked or whose
 * account is disabled (access/sessionCheck.ts), as the admin callables do.
 * CORS is open because the admin page on Hosting reads the deep view with a
 * bearer token (no cookie is ever involved). The lifecycle (end-of-call work
 * before answering, also when the work throws) is defineHttpFunction's.
 */
import { getApps } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { bearerAdminCaller } from '../access/auth.js';
import { config, sharedFunctionOptions } from '../config/index.js';
import { logEvent } from '../observability/logs/logger.js';
import { providerFunctionSecrets } from '../config/secrets.js';
import { defineHttpFunction } from '../lifecycle/defineHttpFunction.js';
import { healthMonitor } from './healthSources.js';
import { answerHealth } from './healthRequest.js';
import type { HealthMonitor } from './healthMonitor.js';
import { HealthState, type HealthDeepReport } from '../api/index.js';

/** An uptime check waits seconds, not minutes; every component check is bounded well below this. */
const TIMEOUT_SECONDS = 30;

let monitor: HealthMonitor | undefined;

/** The states and problem words of the components that are not ok, for the log (no URL or secret in them). */
function problems(report: HealthDeepReport): Record<string, string> {
  const { detail: d } = report;
  const checks = { firestore: d.firestore, provider: d.provider, cloudwatch: d.cloudwatch };
  const out: Record<string, string> = {};
  for (const [name, c] of Object.entries(checks)) {
    if (c && c.state !== HealthState.ok) out[name] = `${c.state}: ${c.problem ?? ''}`;
  }
  for (const [name, b] of Object.entries(report.components.breakers)) {
    if (b.state !== HealthState.ok) out[`breaker:${name}`] = `${b.state}: ${b.breaker}`;
  }
  if (report.components.reconciliation.state !== HealthState.ok)
    out.reconciliation = report.components.reconciliation.state;
  return out;
}

// It calls the provider's health check, so it mounts PAYMENT_API_KEY.
export const health = defineHttpFunction(
  {
    ...sharedFunctionOptions(config()),
    secrets: providerFunctionSecrets,
    timeoutSeconds: TIMEOUT_SECONDS,
    invoker: 'public',
    cors: true,
  },
  async (req, rt) => {
    monitor ??= healthMonitor(rt);
    const checksBefore = monitor.checksRun;
    const reply = await answerHealth(
      { method: req.method, deep: req.query.deep, authorization: req.get('authorization') },
      {
        check: () => monitor!.check(),
        caller: (authorization) =>
          bearerAdminCaller(authorization, (token) => getAuth(getApps()[0]).verifyIdToken(token), rt.sessions),
      },
    );
    if (monitor.checksRun > checksBefore) {
      // Once per check, not per request: uptime checks arrive every minute from several regions.
      const report = await monitor.check();
      logEvent(
        'health.checked',
        { status: report.status, ...problems(report) },
        report.status === HealthState.down ? 'WARNING' : 'INFO',
      );
    }
    return reply;
  },
);
