import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { RejectionReason } from '../api/index.js';

/**
 * App Check on the callables. firebase-functions decodes the
 * `X-Firebase-AppCheck` header into `request.app` (verified by the Admin SDK in
 * production; only decoded, never verified, in the emulator) and, with
 * `consumeAppCheckToken`, marks a token seen before `alreadyConsumed`. Its own
 * `enforceAppCheck` answers a bare "Unauthenticated" before the handler runs,
 * so the callables leave it off and refuse here instead: with a message that
 * names App Check, and counted by reason (the runtime subscribes to the event).
 */

/** The App Check reasons of {@link RejectionReason}. */
export type AppCheckRejection =
  | typeof RejectionReason.appCheckMissing
  | typeof RejectionReason.appCheckInvalid
  | typeof RejectionReason.appCheckReplayed;

/** What a callable asks of its callers' App Check tokens [APP_CHECK_ENFORCE, APP_CHECK_CONSUME]. */
export interface AppCheckPolicy {
  enforce: boolean;
  /** Refuse a token already consumed (replay protection); needs `consumeAppCheckToken` on the function. */
  consume: boolean;
}

/** Event sink of the check: one `appcheck.rejected` per refused call. */
export type AppCheckEvents = (
  event: 'appcheck.rejected',
  fields: { callable: string; reason: AppCheckRejection },
) => void;

/** The parts of a callable request the check reads. */
export type AppCheckRequest = Pick<CallableRequest, 'app'> & {
  rawRequest: { header(name: string): string | undefined };
};

/** Header the Firebase client SDKs send the App Check token in. */
export const APP_CHECK_HEADER = 'X-Firebase-AppCheck';

const MESSAGES: Record<AppCheckRejection, string> = {
  [RejectionReason.appCheckMissing]:
    'This call needs a valid App Check token and none was sent: the app must initialize Firebase App Check before calling (docs/app-check.md).',
  [RejectionReason.appCheckInvalid]:
    'This call needs a valid App Check token and the one sent was refused (expired, malformed or not for this project; docs/app-check.md).',
  [RejectionReason.appCheckReplayed]:
    'This call needs a fresh App Check token: the one sent was already used (App Check replay protection). Call again with a limited-use token.',
};

/**
 * Why the request's App Check token is not good enough, or null when it is (or
 * the policy does not enforce). A token without an app id or past its `exp`
 * is invalid: the Admin SDK refuses those in production, and checking here
 * makes the emulator, which verifies nothing, refuse them too.
 */
export function appCheckRejection(
  request: AppCheckRequest,
  policy: AppCheckPolicy,
  now = Date.now(),
): AppCheckRejection | null {
  if (!policy.enforce) return null;
  const app = request.app;
  if (!app) {
    // The SDK leaves request.app unset both without a header and when verification failed.
    const sent = (request.rawRequest.header(APP_CHECK_HEADER) ?? '').trim() !== '';
    return sent ? RejectionReason.appCheckInvalid : RejectionReason.appCheckMissing;
  }
  const exp = (app.token as { exp?: unknown } | undefined)?.exp;
  if (typeof app.appId !== 'string' || app.appId === '' || typeof exp !== 'number' || exp * 1000 <= now) {
    return RejectionReason.appCheckInvalid;
  }
  if (policy.consume && app.alreadyConsumed === true) return RejectionReason.appCheckReplayed;
  return null;
}

/** Throws `unauthenticated` naming App Check, after emitting `appcheck.rejected`, unless the token is good enough. */
export function requireAppCheck(
  request: AppCheckRequest,
  policy: AppCheckPolicy,
  ctx: { callable: string; events: AppCheckEvents; now?: number },
): void {
  const reason = appCheckRejection(request, policy, ctx.now);
  if (reason === null) return;
  ctx.events('appcheck.rejected', { callable: ctx.callable, reason });
  throw new HttpsError('unauthenticated', MESSAGES[reason], { reason });
}
