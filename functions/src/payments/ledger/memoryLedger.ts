import { PaymentStatus, type PaymentHistoryEvent, type ReconcileReport } from '../../api/index.js';
import { byHistoryOrder } from '../history/historyEvents.js';
import { disputeHealth } from './disputeHealth.js';
import {
  incidentCounts,
  scanOrderValue,
  WAITING_STATUSES,
  type LedgerIncident,
  type PaymentLedgerHealth,
  type PaymentRecord,
  type ScanQuery,
  type UnresolvedPayment,
} from './paymentLedger.js';
import type { UserLimitSettings, UserLimitState } from '../limits/userLimiter.js';
import { RuleLedger, type Transact, type TransactWithUser } from './ruleLedger.js';

/**
 * An in-process ledger with the same rules as FirestoreLedger, for unit tests
 * of the payment decisions. Each step runs synchronously in one turn of the
 * event loop, so it is atomic like a transaction.
 */
export class MemoryLedger extends RuleLedger {
  private readonly records = new Map<string, PaymentRecord>();
  private readonly users = new Map<string, UserLimitState>();
  private readonly incidents: Record<LedgerIncident, number> = incidentCounts({});
  private lastRun: ReconcileReport | null = null;
  /** Each payment's events with the number of the commit that wrote them. */
  private readonly events = new Map<string, { event: PaymentHistoryEvent; commit: number }[]>();
  private commits = 0;

  constructor(now: () => number = Date.now, limits?: UserLimitSettings) {
    super(now, limits);
  }

  protected transactWithUser: TransactWithUser = (transactionId, uid, name, step) => {
    let userId = uid;
    return this.transact(transactionId, name, (cur) => {
      userId ??= cur?.uid ?? null;
      const prior = userId === null ? undefined : this.users.get(userId);
      const r = step(cur, prior ? structuredClone(prior) : undefined);
      if (r.user !== undefined && userId !== null) this.users.set(userId, structuredClone(r.user));
      return r;
    });
  };

  /** A user's limit state (tests). */
  userLimits(uid: string): UserLimitState | undefined {
    return this.users.get(uid);
  }

  protected transact: Transact = (transactionId, _name, step) => {
    try {
      const current = this.records.get(transactionId);
      const { write, result, events } = step(current ? structuredClone(current) : undefined);
      if (write.kind === 'create') this.records.set(transactionId, structuredClone(write.record));
      else if (write.kind === 'update' && current) {
        this.records.set(transactionId, { ...current, ...structuredClone(write.fields) });
      }
      this.append(transactionId, events);
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };

  /** Stores a user's limit state (the refund ledger's steps share these limits). */
  putUserLimits(uid: string, state: UserLimitState): void {
    this.users.set(uid, structuredClone(state));
  }

  /** A copy of a record, read synchronously (the refund ledger's atomic steps). */
  peek(transactionId: string): PaymentRecord | undefined {
    const r = this.records.get(transactionId);
    return r ? structuredClone(r) : undefined;
  }

  /** Stores a record as is (test setup, e.g. a record written by an older version). */
  put(transactionId: string, record: PaymentRecord): void {
    this.records.set(transactionId, structuredClone(record));
  }

  /** Every record with its transactionId, as stored (the explorer's MemoryPaymentReader reads them). */
  entries(): IterableIterator<[string, PaymentRecord]> {
    return this.records.entries();
  }

  scanUnresolved(q: ScanQuery): Promise<UnresolvedPayment[]> {
    const key = (id: string, r: PaymentRecord) => [scanOrderValue(q.status, r), id] as const;
    const after = q.after ? ([q.after.orderValue, q.after.transactionId] as const) : null;
    const found = [...this.records]
      .filter(([, r]) => r.status === q.status && scanOrderValue(q.status, r) < q.before)
      .sort(([a, ra], [b, rb]) => compare(key(a, ra), key(b, rb)))
      .filter(([id, r]) => !after || compare(key(id, r), after) > 0)
      .slice(0, q.limit)
      .map(([transactionId, r]) => ({ transactionId, record: structuredClone(r) }));
    return Promise.resolve(found);
  }

  /** Appends one commit's events (never changed afterwards); the refund ledger's steps append theirs here. */
  append(transactionId: string, events: readonly PaymentHistoryEvent[] | undefined): void {
    if (!events?.length) return;
    const commit = ++this.commits;
    const list = this.events.get(transactionId) ?? [];
    list.push(...events.map((e) => ({ event: structuredClone(e), commit })));
    this.events.set(transactionId, list);
  }

  listEvents(transactionId: string): Promise<PaymentHistoryEvent[]> {
    const list = [...(this.events.get(transactionId) ?? [])].sort(byHistoryOrder);
    return Promise.resolve(list.map((e) => structuredClone(e.event)));
  }

  findByProviderRef(providerRef: string): Promise<string | null> {
    const found = [...this.records].find(([, r]) => r.providerRef === providerRef);
    return Promise.resolve(found ? found[0] : null);
  }

  get(transactionId: string): Promise<PaymentRecord | null> {
    const r = this.records.get(transactionId);
    return Promise.resolve(r ? structuredClone(r) : null);
  }

  countIncident(kind: LedgerIncident): Promise<void> {
    this.incidents[kind]++;
    return Promise.resolve();
  }

  saveReconcileReport(report: ReconcileReport): Promise<void> {
    this.lastRun = structuredClone(report);
    return Promise.resolve();
  }

  health(now: number): Promise<PaymentLedgerHealth> {
    const all = [...this.records.values()];
    const unknown = all.filter((r) => r.status === PaymentStatus.unknown);
    const oldest = Math.min(...unknown.map((r) => r.createdAt));
    return Promise.resolve({
      unknown: unknown.length,
      oldestUnknownAgeMs: unknown.length ? now - oldest : null,
      waiting: all.filter((r) => WAITING_STATUSES.includes(r.status)).length,
      expiredPending: all.filter((r) => r.status === PaymentStatus.pending && (r.leaseUntil ?? 0) < now).length,
      ...disputeHealth(all.map((r) => r.openDisputeDueBy)),
      ...this.incidents,
      lastRun: this.lastRun,
    });
  }
}

function compare(a: readonly [number, string], b: readonly [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}
