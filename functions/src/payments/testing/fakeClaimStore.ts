import type { Firestore } from 'firebase-admin/firestore';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { OptimisticClaims, type ClaimDocs } from '../ledger/optimisticClaim.js';

type UserLimits = ConstructorParameters<typeof OptimisticClaims>[2];

/** A stand-in update time: the fake store compares them by `seq`. */
export type Version = { seq: number };
type Doc = { data: Record<string, unknown>; version: Version };
type Ref = { path: string };

/**
 * Just enough of Firestore for OptimisticClaims, with its semantics: a batch
 * commits all or nothing; `create` fails ALREADY_EXISTS (gRPC 6) on an existing
 * document; `update` fails NOT_FOUND (5) on a missing one and
 * FAILED_PRECONDITION (9) when the document changed since `lastUpdateTime`;
 * `set` with `merge` merges maps one level deep (the blind spend's shape) and never fails.
 * `beforeCommit` lets a test change the store under a claim (another call of the user).
 */
export class FakeStore {
  readonly docs = new Map<string, Doc>();
  private seq = 0;
  commits = 0;
  reads: string[] = [];
  beforeCommit: (() => void) | null = null;
  beforeRead: ((path: string) => void) | null = null;

  put(path: string, data: object): Version {
    const version = { seq: ++this.seq };
    this.docs.set(path, { data: { ...data }, version });
    return version;
  }

  readonly db = {
    batch: () => {
      const ops: (() => void)[] = [];
      const checks: (() => number | null)[] = [];
      const batch = {
        create: (ref: Ref, data: object) => {
          checks.push(() => (this.docs.has(ref.path) ? 6 : null));
          ops.push(() => void this.put(ref.path, data));
          return batch;
        },
        update: (ref: Ref, data: object, pre: { lastUpdateTime: Version }) => {
          checks.push(() => {
            const doc = this.docs.get(ref.path);
            if (!doc) return 5;
            return doc.version.seq === pre.lastUpdateTime.seq ? null : 9;
          });
          ops.push(() => void this.put(ref.path, { ...this.docs.get(ref.path)!.data, ...data }));
          return batch;
        },
        set: (ref: Ref, data: Record<string, unknown>, _opts: { merge: true }) => {
          ops.push(() => {
            const prior = this.docs.get(ref.path)?.data ?? {};
            const merged: Record<string, unknown> = { ...prior };
            for (const [k, v] of Object.entries(data)) {
              const was = prior[k];
              const nested = typeof v === 'object' && v !== null && typeof was === 'object' && was !== null;
              merged[k] = nested ? { ...was, ...v } : v;
            }
            this.put(ref.path, merged);
          });
          return batch;
        },
        commit: () => {
          this.beforeCommit?.();
          this.commits++;
          const code = checks.map((c) => c()).find((c) => c !== null);
          if (code !== undefined) return Promise.reject(Object.assign(new Error(`grpc ${code}`), { code }));
          ops.forEach((op) => op());
          return Promise.resolve(ops.map(() => ({ writeTime: { seq: this.seq } })));
        },
      };
      return batch;
    },
  };

  readonly refs: ClaimDocs = {
    payment: (_db, id) => this.ref(`payments/${id}`),
    user: (_db, uid) => this.ref(`userLimits/${uid}`),
  };

  private ref(path: string) {
    const get = () => {
      this.reads.push(path);
      this.beforeRead?.(path);
      const doc = this.docs.get(path);
      return Promise.resolve({ exists: !!doc, data: () => doc?.data, updateTime: doc?.version });
    };
    const collection = (name: string) => ({ doc: (id: string) => this.ref(`${path}/${name}/${id}`) });
    return { path, get, collection } as unknown as FirebaseFirestore.DocumentReference;
  }

  readonly runQuery: RunQuery = (fn) => fn(this.db as unknown as Firestore);

  /** OptimisticClaims over this store. */
  claims(limits: UserLimits, now: () => number) {
    return new OptimisticClaims(this.runQuery, this.refs, limits, now);
  }
}
