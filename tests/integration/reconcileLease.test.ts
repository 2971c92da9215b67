// runReconciliation is single-flight across the fleet: a lease in ledgerStats/reconcileLease.
import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../functions/src/api/index.js';
import { adminDb } from './admin.js';
import { USERS, session } from './client.js';

describe('runReconciliation lease', () => {
  it("while a pass holds the lease, a call answers aborted with that pass's runId; once free, it runs and reports its own", async () => {
    const admin = await session(USERS.admin);
    const lease = adminDb().doc('ledgerStats/reconcileLease');
    const holder = `it-running-${Date.now()}`;
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
