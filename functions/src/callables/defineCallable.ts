import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { requireAdmin, requireUser, type Caller } from '../auth.js';
import { paymentApiKey } from '../secrets.js';
import { toHttpsError } from './toHttpsError.js';

/** Who may call a callable. */
export const Access = { user: 'user', admin: 'admin' } as const;
export type Access = (typeof Access)[keyof typeof Access];

/**
 * Wraps a handler as a 2nd-gen callable: checks access, runs the handler, and
 * maps every error through `toHttpsError`.
 */
export function defineCallable<T>(
  access: Access,
  handler: (data: unknown, caller: Caller, request: CallableRequest) => Promise<T>,
) {
  return onCall({ secrets: [paymentApiKey], timeoutSeconds: 60, memory: '256MiB' }, async (request) => {
    const caller = access === Access.admin ? requireAdmin(request) : requireUser(request);
    try {
      return await handler(request.data, caller, request);
    } catch (err) {
      throw toHttpsError(err);
    }
  });
}
