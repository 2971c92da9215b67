import { HttpsError } from 'firebase-functions/v2/https';

/**
 * Whether a verified Firebase ID token still stands for an active account: a
 * token stays valid for up to an hour after its refresh tokens are revoked or
 * its account is disabled, so the admin callables and the deep health view
 * ask firebase-admin's `getUser` (`disabled`, `tokensValidAfterTime`) as
 * `verifyIdToken(token, true)` would, but remember each account's answer for
 * at most `ttlMs` (a minute) so an admin page polling every few seconds costs
 * one Auth lookup per minute per admin and instance.
 */

/** What the check needs to know of an account. */
export interface AccountState {
  disabled: boolean;
  /** Tokens issued (`auth_time`) before this instant (epoch ms) are revoked; null when never revoked. */
  validAfterMs: number | null;
}

/** Why a token may no longer be used. */
export type SessionRefusal = 'disabled' | 'revoked';

/** Looks an account up; resolves null when the account no longer exists. */
export type LookupAccount = (uid: string) => Promise<AccountState | null>;

/** Longest an account's state is reused. */
export const SESSION_CHECK_TTL_MS = 60_000;
/** Accounts remembered at once; the oldest is forgotten first. Admins are few, so this only bounds memory. */
const MAX_ENTRIES = 1000;

/** The per-instance cache of account states; one lookup in flight per uid. */
export class SessionCheck {
  private readonly entries = new Map<string, { at: number; state: Promise<AccountState | null> }>();

  constructor(
    private readonly lookup: LookupAccount,
    private readonly opts: { ttlMs?: number; now?: () => number } = {},
  ) {}

  /** Why the token of `uid` signed in at `authTimeSec` (its `auth_time` claim, seconds) is refused, or null when it stands. */
  async refusal(uid: string, authTimeSec: number): Promise<SessionRefusal | null> {
    const state = await this.state(uid);
    if (state === null || state.disabled) return 'disabled';
    // firebase-admin compares the same way: a token of the revocation's own second still stands.
    if (state.validAfterMs !== null && authTimeSec * 1000 < state.validAfterMs) return 'revoked';
    return null;
  }

  /** Throws `unauthenticated` when the token of `uid` signed in at `authTimeSec` no longer stands. */
  async require(uid: string, authTimeSec: number): Promise<void> {
    const refused = await this.refusal(uid, authTimeSec);
    if (refused === null) return;
    const why = refused === 'disabled' ? 'the account is disabled' : 'the session was revoked';
    throw new HttpsError('unauthenticated', `Sign in again: ${why}.`, { reason: `session-${refused}` });
  }

  private state(uid: string): Promise<AccountState | null> {
    const now = (this.opts.now ?? Date.now)();
    const hit = this.entries.get(uid);
    if (hit && now - hit.at < (this.opts.ttlMs ?? SESSION_CHECK_TTL_MS)) return hit.state;
    this.entries.delete(uid);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const state = this.lookup(uid);
    this.entries.set(uid, { at: now, state });
    // A failed lookup is not remembered: the next call asks again.
    state.catch(() => this.entries.get(uid)?.state === state && this.entries.delete(uid));
    return state;
  }
}

/**
 * Account lookups through firebase-admin's Auth (`getUser`). A deleted
 * account reads as null; any other failure is `unavailable`, never cached,
 * so the caller is refused until Auth answers rather than let through.
 */
export function authAccountLookup(auth: { getUser(uid: string): Promise<AuthUser> }): LookupAccount {
  return async (uid) => {
    try {
      const user = await auth.getUser(uid);
      const validAfter = user.tokensValidAfterTime ? Date.parse(user.tokensValidAfterTime) : Number.NaN;
      return { disabled: user.disabled, validAfterMs: Number.isNaN(validAfter) ? null : validAfter };
    } catch (err) {
      if ((err as { code?: unknown }).code === 'auth/user-not-found') return null;
      throw new HttpsError('unavailable', 'Could not check the session with Firebase Auth; try again.');
    }
  };
}

/** The fields of firebase-admin's UserRecord the lookup reads. */
export interface AuthUser {
  disabled: boolean;
  tokensValidAfterTime?: string | undefined;
}
