// Reconciliation is single-flight across the fleet: a lease in ledgerStats/reconcileLease, taken by
// runReconciliation and by the scheduled reconcilePayments alike.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../functions/src/api/index.js';
import { parseConfig } from '../../functions/src/config/index.js';
import { addLogSink, type StructuredEvent } from '../../functions/src/observability/logs/logger.js';
import { emptyReport } from '../../functions/src/payments/reconcile.js';
import { FirestoreLease } from '../../functions/src/resilience/lease/lease.js';
import {
  reconcileOnScheduleWork,
  type ReconcileScheduleRuntime,
} from '../../functions/src/scheduled/reconcilePayments.js';
import { adminDb } from './admin.js';
import { USERS, session } from './client.js';

describe('runReconciliation lease', () => {
  it("while a pass holds the lease, a call answers aborted with that pass's runId; once free, it runs and reports its own", async () => {
    const admin = await session(USERS.admin);
    const lease = adminDb().doc('ledgerStats/reconcileLease');
    const holder = `it-running-${randomUUID()}`;
    await lease.set({ holder, until: Date.now() + 60_000 });
    const refused = await admin.call('runReconciliation', {}).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'functions/aborted',
      details: { code: 'RECONCILE_RUNNING', runId: holder },
    });
    expect((refused as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThan(30_000);
    await lease.delete();
    const report = await admin.call<ReconcileReport>('runReconciliation', {});
    expect(report.runId).toMatch(/^[0-9a-f-]{36}$/);
    // The pass gave the lease back.
    expect((await lease.get()).exists).toBe(false);
    await admin.close();
  });
});

/**
 * The scheduled function's work in this process, with the real lease in the emulator's Firestore; its pass
 * (the provider side is reconcile.test.ts's) runs until `finish()` and records the runIds it was given.
 */
function scheduledPass() {
  const runIds: string[] = [];
  let finish: () => void = () => undefined;
  const rt: ReconcileScheduleRuntime = {
    cfg: parseConfig({}),
    reconcileLease: new FirestoreLease((fn) => fn(adminDb()), 'ledgerStats/reconcileLease'),
    reconcile: (_budgetMs, runId) => {
      runIds.push(runId);
      return new Promise<ReconcileReport>((resolve) => (finish = () => resolve(emptyReport(Date.now()))));
    },
  };
  return { rt, runIds, finish: () => finish() };
}

describe('scheduled reconcilePayments and the lease', () => {
  const lease = () => adminDb().doc('ledgerStats/reconcileLease');
  afterEach(() => lease().delete());

  it("an admin call during a scheduled pass answers aborted with the scheduled pass's runId", async () => {
    const admin = await session(USERS.admin);
    const pass = scheduledPass();
    const scheduled = reconcileOnScheduleWork(pass.rt);
    await expect.poll(() => pass.runIds.length).toBe(1);
    const refused = await admin.call('runReconciliation', {}).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'functions/aborted',
      details: { code: 'RECONCILE_RUNNING', runId: pass.runIds[0] },
    });
    // Held for the 300 s schedule timeout at most: a dead scheduled instance frees it by the tick after next.
    const retryAfterMs = (refused as { details: { retryAfterMs: number } }).details.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(240_000);
    expect(retryAfterMs).toBeLessThanOrEqual(300_000);
    pass.finish();
    await scheduled;
    expect((await lease().get()).exists).toBe(false);
    await admin.close();
  });

  it("a tick while another pass holds the lease runs no pass, succeeds, and logs INFO with that pass's runId", async () => {
    const holder = `it-admin-${randomUUID()}`;
    await lease().set({ holder, until: Date.now() + 60_000 });
    const logged: StructuredEvent[] = [];
    const detach = addLogSink((e) => logged.push(e));
    const pass = scheduledPass();
    try {
      await expect(reconcileOnScheduleWork(pass.rt)).resolves.toBeUndefined();
    } finally {
      detach();
    }
    expect(pass.runIds).toEqual([]);
    expect(logged).toMatchObject([{ event: 'payments.reconcile_skipped', severity: 'INFO', runningRunId: holder }]);
    // The running pass keeps its lease.
    expect((await lease().get()).data()).toMatchObject({ holder });
  });
});
