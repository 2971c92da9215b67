import { Timestamp } from 'firebase-admin/firestore';
import { PAYMENT_SEAL_MAX_LENGTH } from '../../api/index.js';
import { seal, unseal, type SealedDoc } from '../../access/sealedReads.js';
import type { UserLimitState } from '../limits/userLimiter.js';
import { USER_LIMITS } from './firestoreLedger.js';
import type { OptimisticClaims } from './optimisticClaim.js';
import type { PaymentSeals } from '../paymentSeals.js';

/** The purpose a seal of a user's limits is bound to (access/sealedReads.ts). */
export const LIMITS_PURPOSE = 'limits';

/** Most users whose last seal an instance remembers (as many as OptimisticClaims keeps copies of). */
const REMEMBERED_SEALS = 10_000;

/** A document's update time as the ledger keeps it (a Timestamp), and as a seal carries it. */
export interface UpdateTimes {
  toSealed(version: Timestamp): NonNullable<SealedDoc['updateTime']>;
  fromSealed(time: NonNullable<SealedDoc['updateTime']>): Timestamp;
}

/** Firestore's update times as seals carry them. */
export const FIRESTORE_TIMES: UpdateTimes = {
  toSealed: (t) => ({ seconds: t.seconds, nanoseconds: t.nanoseconds }),
  fromSealed: (t) => new Timestamp(t.seconds, t.nanoseconds),
};

/** The part of OptimisticClaims a seal reads from and writes to: its per-instance copies of users' limits. */
export type LimitCopies = Pick<OptimisticClaims, 'cached' | 'adopt'>;

function isLimitState(data: unknown): data is UserLimitState {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d.tokens === 'number' && typeof d.refilledAt === 'number' && typeof d.inFlight === 'object';
}

/**
 * Sealed reads of users' limits (`userLimits/{uid}`, purpose `limits`): an
 * answer carries the copy this instance holds, and a later call of the same
 * user that lands on an instance without a copy adopts it instead of reading
 * (OptimisticClaims.adopt), so a user's first call on an instance is the
 * claim's commit and the outcome's commit, as every other. The copy only
 * replaces the read: the claim writes preconditioned on its update time, so a
 * stale seal fails there and the claim reads as before. Without the key
 * (SEAL_KEY not mounted) it neither issues nor opens.
 */
export class LimitSeals implements PaymentSeals {
  /** The last seal issued to each user and the update time of the copy in it; per instance, cleared when full. */
  private readonly issued = new Map<string, { token: string; version: Timestamp }>();

  constructor(
    private readonly key: () => string | null,
    private readonly copies: LimitCopies,
    private readonly now: () => number = Date.now,
    private readonly times: UpdateTimes = FIRESTORE_TIMES,
  ) {}

  open(uid: string, token: string): void {
    if (this.ownSealStillHeld(uid, token)) return;
    const key = this.key();
    if (!key) return;
    const docs = unseal(key, LIMITS_PURPOSE, uid, token, this.now());
    const doc = docs?.length === 1 ? docs[0]! : null;
    if (!doc || doc.path !== limitsPath(uid) || !doc.updateTime || !isLimitState(doc.data)) return;
    this.copies.adopt(uid, doc.data, this.times.fromSealed(doc.updateTime));
  }

  issue(uid: string): string | undefined {
    const key = this.key();
    const copy = key ? this.copies.cached(uid) : undefined;
    if (!key || !copy?.state || !copy.version) return undefined;
    const doc: SealedDoc = {
      path: limitsPath(uid),
      updateTime: this.times.toSealed(copy.version),
      data: copy.state,
    };
    const token = seal(key, LIMITS_PURPOSE, uid, [doc], this.now());
    // One the caller could not send back (a state grown past the payload's bound) is not handed out.
    if (token.length > PAYMENT_SEAL_MAX_LENGTH) return undefined;
    if (this.issued.size >= REMEMBERED_SEALS) this.issued.clear();
    this.issued.set(uid, { token, version: copy.version });
    return token;
  }

  /**
   * Whether `token` is the last seal this instance issued to `uid` and the copy it keeps is at least as
   * new as the one sealed in it: opening it could not change that copy (`adopt` keeps only a later one,
   * an expired seal changes nothing), so the AES-GCM open is skipped. A caller that stays on one instance
   * sends back exactly that seal.
   */
  private ownSealStillHeld(uid: string, token: string): boolean {
    const mine = this.issued.get(uid);
    if (mine?.token !== token) return false;
    const held = this.copies.cached(uid)?.version;
    return !!held && !(mine.version.valueOf() > held.valueOf());
  }
}

function limitsPath(uid: string): string {
  return `${USER_LIMITS}/${uid}`;
}
