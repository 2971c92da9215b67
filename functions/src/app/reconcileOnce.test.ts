import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../api/index.js';
import { memoryLease } from '../resilience/lease/testing.js';
import { emptyReport } from '../payments/reconcile.js';
import { reconcileOnce, reconcileOnSchedule } from './reconcileOnce.js';
import { useLogCapture } from '../observability/testing/logCapture.js';

const report = (at: number): ReconcileReport => ({ ...emptyReport(at), durationMs: 5 });

describe('reconcileOnce', () => {
  it("a second concurrent call answers with the running pass's id; one pass runs; afterwards a new one may", async () => {
    const now = () => 1000;
    const lease = memoryLease(now);
    let passes = 0;
    let finish: () => void = () => undefined;
    const reconcile = () => {
      passes++;
      return new Promise<ReconcileReport>((resolve) => (finish = () => resolve(report(1000))));
    };
    const first = reconcileOnce({ lease, reconcile, now }, 45_000);
    await new Promise((r) => setTimeout(r, 0));
    const second = await reconcileOnce({ lease, reconcile, now }, 45_000).catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 'RECONCILE_RUNNING', details: { retryAfterMs: 90_000 } });
    finish();
    const done = await first;
    expect((second as { details: { runId: string } }).details.runId).toBe(done.runId);
    expect(passes).toBe(1);
    const again = reconcileOnce({ lease, reconcile, now }, 45_000);
    await new Promise((r) => setTimeout(r, 0));
    finish();
    expect((await again).runId).not.toBe(done.runId);
    expect(passes).toBe(2);
  });

  it('gives the lease back when the pass fails', async () => {
    const lease = memoryLease(() => 0);
    await expect(reconcileOnce({ lease, reconcile: () => Promise.reject(new Error('down')) }, 1000)).rejects.toThrow(
      'down',
    );
    await expect(reconcileOnce({ lease, reconcile: () => Promise.resolve(report(0)) }, 1000)).resolves.toMatchObject({
      complete: true,
    });
  });
});

/** A pass that runs until `finish()`, recording the runIds it was given. */
function heldPass(at: number) {
  const runIds: string[] = [];
  let finish: () => void = () => undefined;
  const reconcile = (_budgetMs: number, runId: string) => {
    runIds.push(runId);
    return new Promise<ReconcileReport>((resolve) => (finish = () => resolve(report(at))));
  };
  return { runIds, reconcile, finish: () => finish() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('reconcileOnSchedule', () => {
  const logged = useLogCapture();

  it('runs a pass under the lease for leaseMs; its report carries the runId the pass was given', async () => {
    const now = () => 1000;
    const lease = memoryLease(now);
    const pass = heldPass(1000);
    const scheduled = reconcileOnSchedule({ lease, reconcile: pass.reconcile, now }, 240_000, 300_000);
    await tick();
    const admin = await reconcileOnce({ lease, reconcile: pass.reconcile, now }, 45_000).catch((e: unknown) => e);
    // An admin call during the scheduled pass is refused with the scheduled pass's runId and its lease's end.
    expect(admin).toMatchObject({
      code: 'RECONCILE_RUNNING',
      details: { runId: pass.runIds[0], retryAfterMs: 300_000 },
    });
    pass.finish();
    const done = await scheduled;
    expect(done).toEqual({ ran: true, report: { ...report(1000), runId: pass.runIds[0] } });
    expect(pass.runIds).toHaveLength(1);
    expect(pass.runIds[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged.filter((e) => e.event === 'payments.reconcile_skipped')).toEqual([]);
  });

  it("skips while an admin pass runs: no second pass, no error, an INFO line with the running pass's runId", async () => {
    let clock = 5000;
    const now = () => clock;
    const lease = memoryLease(now);
    const pass = heldPass(5000);
    const admin = reconcileOnce({ lease, reconcile: pass.reconcile, now }, 45_000);
    await tick();
    clock += 10_000;
    const skipped = await reconcileOnSchedule({ lease, reconcile: pass.reconcile, now }, 240_000, 300_000);
    expect(skipped).toEqual({ ran: false, runId: pass.runIds[0], retryAfterMs: 80_000 });
    expect(pass.runIds).toHaveLength(1);
    expect(logged.filter((e) => e.event === 'payments.reconcile_skipped')).toMatchObject([
      { severity: 'INFO', runningRunId: pass.runIds[0], retryAfterMs: 80_000 },
    ]);
    pass.finish();
    expect((await admin).runId).toBe(pass.runIds[0]);
    // The admin pass gave the lease back: the next tick runs.
    const next = reconcileOnSchedule({ lease, reconcile: pass.reconcile, now }, 240_000, 300_000);
    await tick();
    pass.finish();
    expect(await next).toMatchObject({ ran: true, report: { runId: pass.runIds[1] } });
  });

  it('gives the lease back when the pass fails, and the failure reaches the scheduler', async () => {
    const lease = memoryLease(() => 0);
    const failing = { lease, reconcile: () => Promise.reject(new Error('down')) };
    await expect(reconcileOnSchedule(failing, 1000, 3000)).rejects.toThrow('down');
    await expect(reconcileOnce({ lease, reconcile: () => Promise.resolve(report(0)) }, 1000)).resolves.toMatchObject({
      complete: true,
    });
  });
});
