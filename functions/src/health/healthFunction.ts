/**
 * `health` (2nd gen `onRequest`, public, GET): the uptime-check endpoint, a
 * thin wrapper around answerHealth. The monitor is per instance and caches for
 * HEALTH_CACHE_MS; the deep view verifies a Firebase ID token with
 * firebase-admin. CORS is open because the admin page on Hosting reads the
 * deep view with a bearer token (no cookie is ever involved). Housekeeping
 * (stats, log flush) runs before answering, since CPU is throttled after it.
 */
import { getApps } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { onRequest } from 'firebase-functions/v2/https';
import { bearerCaller } from '../access/auth.js';
import { config, sharedFunctionOptions } from '../config/index.js';
import { afterCall } from '../app/housekeeping.js';
import { logEvent } from '../observability/logs/logger.js';
import { runtime } from '../app/runtime.js';
import { functionSecrets } from '../config/secrets.js';
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

export const health = onRequest(
  {
    ...sharedFunctionOptions(config()),
    secrets: functionSecrets,
    timeoutSeconds: TIMEOUT_SECONDS,
    invoker: 'public',
    cors: true,
  },
  async (req, res) => {
    const rt = runtime();
    monitor ??= healthMonitor(rt);
    const checksBefore = monitor.checksRun;
    const reply = await answerHealth(
      { method: req.method, deep: req.query.deep, authorization: req.get('authorization') },
      {
        check: () => monitor!.check(),
        caller: (authorization) => bearerCaller(authorization, (token) => getAuth(getApps()[0]).verifyIdToken(token)),
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
    await afterCall(rt);
    res.status(reply.status).set(reply.headers).json(reply.body);
  },
);
