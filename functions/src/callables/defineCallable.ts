import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { requireAdmin, requireUser, type Caller } from '../auth.js';
import { afterCall } from '../housekeeping.js';
import { logEvent } from '../observability/logger.js';
import { runtime, type Runtime } from '../runtime.js';
import { paymentApiKey } from '../secrets.js';
import { toHttpsError } from './toHttpsError.js';

/** Who may call a callable. */
export const Access = { user: 'user', admin: 'admin' } as const;
export type Access = (typeof Access)[keyof typeof Access];

/**
 * Wraps a handler as a 2nd-gen callable: checks access, runs the handler, maps
 * every error through `toHttpsError`, and before answering does the work that
 * cannot be left to background timers (housekeeping.ts). That work never
 * changes the result.
 */
export function defineCallable<T>(
  name: string,
  access: Access,
  handler: (data: unknown, caller: Caller, rt: Runtime, request: CallableRequest) => Promise<T>,
) {
  return onCall({ secrets: [paymentApiKey], timeoutSeconds: 60, memory: '256MiB' }, async (request) => {
    const caller = access === Access.admin ? requireAdmin(request) : requireUser(request);
    const rt = runtime();
    const started = Date.now();
    let code = 'ok';
    try {
      return await handler(request.data, caller, rt, request);
    } catch (err) {
      const httpsError = toHttpsError(err);
      code = httpsError.code;
      throw httpsError;
    } finally {
      logEvent(
        'call.completed',
        { callable: name, uid: caller.uid, outcome: code, durationMs: Date.now() - started },
        code === 'ok' ? 'INFO' : 'WARNING',
      );
      await afterCall(rt);
    }
  });
}
