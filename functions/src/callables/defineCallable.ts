import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { requireAdmin, requireUser, type Caller } from '../access/auth.js';
import { config, paymentFunctionOptions, sharedFunctionOptions, type Config } from '../config/index.js';
import { afterCall, completeCall } from '../app/housekeeping.js';
import { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { runtime, type Runtime } from '../app/runtime.js';
import { functionSecrets } from '../config/secrets.js';
import { requireAppCheck, type AppCheckPolicy } from '../access/appCheck.js';
import { toHttpsError } from './toHttpsError.js';

/** Who may call a callable. */
export const Access = { user: 'user', admin: 'admin' } as const;
export type Access = (typeof Access)[keyof typeof Access];

/**
 * Instance options per callable. The payment path has its own (its instance
 * cap divides the provider budget; instances kept warm); the admin callables
 * share FUNCTIONS_MAX_INSTANCES and can afford a cold start.
 */
const instanceOptions = (name: string, cfg: Config) =>
  name === 'processPayment' ? paymentFunctionOptions(cfg) : { minInstances: 0 };

/**
 * App Check of a callable: enforced on all of them with APP_CHECK_ENFORCE;
 * replay protection (APP_CHECK_CONSUME, one more App Check round trip per call)
 * only where a replayed call costs money, processPayment.
 */
const appCheckPolicy = (name: string, cfg: Config): AppCheckPolicy => ({
  enforce: cfg.APP_CHECK_ENFORCE,
  consume: cfg.APP_CHECK_CONSUME && name === 'processPayment',
});

/**
 * Wraps a handler as a 2nd-gen callable: checks App Check (access/appCheck.ts) and access, runs the handler, maps
 * every error through `toHttpsError`, and before answering does the work that
 * cannot be left to background timers (app/housekeeping.ts). That work never
 * changes the result. Each call has its own PhaseTimer, handed to the handler
 * and to the housekeeping; `call.completed` is logged after both so its
 * `phasesMs` holds every phase that ran (CallPhaseLatency gets them too). The deploy options come from config at definition time,
 * which is when deploy discovery reads them.
 */
export function defineCallable<T>(
  name: string,
  access: Access,
  handler: (data: unknown, caller: Caller, rt: Runtime, request: CallableRequest, phases: PhaseTimer) => Promise<T>,
) {
  const cfg = config();
  const appCheck = appCheckPolicy(name, cfg);
  const options = {
    ...sharedFunctionOptions(cfg),
    ...instanceOptions(name, cfg),
    timeoutSeconds: cfg.CALLABLE_TIMEOUT_SECONDS,
    secrets: functionSecrets,
    // enforceAppCheck stays off: it would refuse with a bare "Unauthenticated" before requireAppCheck can explain and count.
    consumeAppCheckToken: appCheck.consume,
  };
  return onCall(options, async (request) => {
    const rt = runtime();
    const refusalLines = rt.refusalLog.lines;
    try {
      requireAppCheck(request, appCheck, { callable: name, events: rt.appCheckEvents });
    } catch (err) {
      // Unauthenticated traffic may come in floods: its logs and metrics ship with the one logged line per
      // interval; the stats snapshot (at most one write per reason and minute) is published as for any call.
      await afterCall(rt, { ship: rt.refusalLog.lines !== refusalLines });
      throw err;
    }
    const caller = access === Access.admin ? requireAdmin(request) : requireUser(request);
    const started = Date.now();
    const phases = new PhaseTimer();
    let code = 'ok';
    try {
      return await handler(request.data, caller, rt, request, phases);
    } catch (err) {
      const httpsError = toHttpsError(err);
      code = httpsError.code;
      throw httpsError;
    } finally {
      await completeCall(rt, phases, {
        callable: name,
        uid: caller.uid,
        outcome: code,
        durationMs: Date.now() - started,
      });
    }
  });
}
