import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { requireAdmin, requireUser, type Caller } from '../access/auth.js';
import { MONEY_MOVING_CALLABLES } from '../api/index.js';
import { config, paymentFunctionOptions, sharedFunctionOptions, type Config } from '../config/index.js';
import { PhaseTimer, roundMs } from '../observability/metrics/phaseTimer.js';
import type { Runtime } from '../app/runtime.js';
import { functionSecrets } from '../config/secrets.js';
import { requireAppCheck, type AppCheckPolicy } from '../access/appCheck.js';
import { toHttpsError } from '../callables/toHttpsError.js';
import { appLifecycle, withLifecycle, type Lifecycle } from './lifecycle.js';

/** Who may call a callable. */
export const Access = { user: 'user', admin: 'admin' } as const;
export type Access = (typeof Access)[keyof typeof Access];

/** What a callable reads beyond the runtime's own parts. */
export interface CallableNeeds {
  /** It calls the payment provider, so it mounts PAYMENT_API_KEY (config/secrets.ts). */
  provider?: boolean;
  /** It seals or opens sealed reads (access/sealedReads.ts), so it mounts SEAL_KEY. */
  seal?: boolean;
}

/** A callable's work: the payload, the checked caller and the runtime in, the answer out. */
export type CallableWork<T, R = Runtime> = (
  data: unknown,
  caller: Caller,
  rt: R,
  request: CallableRequest,
  phases: PhaseTimer,
) => Promise<T>;

/** The parts of the runtime the callable wrapper itself uses. */
export type CallableRuntime = Pick<Runtime, 'appCheckEvents' | 'sessions' | 'refusalLog'>;

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
 * only where a replayed call costs money, the money-moving callables.
 */
export const appCheckPolicy = (name: string, cfg: Pick<Config, 'APP_CHECK_ENFORCE' | 'APP_CHECK_CONSUME'>) => ({
  enforce: cfg.APP_CHECK_ENFORCE,
  consume: cfg.APP_CHECK_CONSUME && MONEY_MOVING_CALLABLES.includes(name),
});

/**
 * The handler onCall runs, inside the shared lifecycle (lifecycle.ts): App
 * Check (access/appCheck.ts), the caller (signed in; for admin callables the
 * admin claim and a session neither revoked nor disabled, access/sessionCheck.ts),
 * the work, every error mapped through `toHttpsError`, one `call.completed`
 * log line, and the end-of-call work whatever happened (but for an App Check
 * refusal that logged no line of its own: see CallControl).
 */
export function callableHandler<T, R extends CallableRuntime>(
  name: string,
  access: Access,
  appCheck: AppCheckPolicy,
  work: CallableWork<T, R>,
  lifecycle: Lifecycle<R>,
) {
  return (request: CallableRequest): Promise<T> =>
    withLifecycle(lifecycle, async (rt, call) => {
      const refusalLines = rt.refusalLog.lines;
      try {
        requireAppCheck(request, appCheck, { callable: name, events: rt.appCheckEvents });
      } catch (err) {
        // Unauthenticated traffic may come in floods: its logs and metrics ship with the one logged line per interval.
        call.ship = rt.refusalLog.lines !== refusalLines;
        throw err;
      }
      const caller = access === Access.admin ? requireAdmin(request) : requireUser(request);
      lifecycle.begin?.(rt);
      const phases = new PhaseTimer();
      // On the phases' clock and to their 0.1 ms, so a call's durationMs and its own phases can be compared.
      const elapsed = phases.start();
      let code = 'ok';
      try {
        if (access === Access.admin) await rt.sessions.require(caller.uid, Number(request.auth?.token.auth_time) || 0);
        return await work(request.data, caller, rt, request, phases);
      } catch (err) {
        const httpsError = toHttpsError(err);
        code = httpsError.code;
        throw httpsError;
      } finally {
        // Logged by the end-of-call work, after the stats publish it times and before the flush that ships it (app/housekeeping.ts completeCall).
        call.completed = {
          phases,
          fields: { callable: name, uid: caller.uid, outcome: code, durationMs: roundMs(elapsed()) },
        };
      }
    });
}

/**
 * Defines a 2nd-gen callable (see callableHandler). The deploy options come
 * from config at definition time, which is when deploy discovery reads them;
 * the secrets are the log shipper's, plus PAYMENT_API_KEY when `needs.provider`
 * and SEAL_KEY when `needs.seal` (config/secrets.ts functionSecrets).
 */
export function defineCallable<T>(name: string, access: Access, work: CallableWork<T>, needs: CallableNeeds = {}) {
  const cfg = config();
  const appCheck = appCheckPolicy(name, cfg);
  const options = {
    ...sharedFunctionOptions(cfg),
    ...instanceOptions(name, cfg),
    timeoutSeconds: cfg.CALLABLE_TIMEOUT_SECONDS,
    secrets: functionSecrets(needs),
    // enforceAppCheck stays off: it would refuse with a bare "Unauthenticated" before requireAppCheck can explain and count.
    consumeAppCheckToken: appCheck.consume,
  };
  return onCall(options, callableHandler(name, access, appCheck, work, appLifecycle));
}
