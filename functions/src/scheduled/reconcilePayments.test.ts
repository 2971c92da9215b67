import type { ScheduledEvent } from 'firebase-functions/v2/scheduler';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { scheduledHandler } from '../lifecycle/defineScheduled.js';
import { recordingLifecycle } from '../lifecycle/testing.js';
import { emptyReport } from '../payments/reconcile.js';
import { memoryLease } from '../resilience/lease/testing.js';
import { reconcileOnScheduleWork, type ReconcileScheduleRuntime } from './reconcilePayments.js';
import { useLogCapture } from '../observability/testing/logCapture.js';

const EVENT: ScheduledEvent = { scheduleTime: '2026-12-06T22:00:00Z' };

/** The scheduled function's runtime: the real lease rule in memory; a pass that records its budget and runId. */
function scheduleRuntime(holder?: string) {
  const now = Date.now();
  const lease = memoryLease(() => now);
  const passes: { budgetMs: number; runId: string; duringPass: unknown }[] = [];
  const rt: ReconcileScheduleRuntime = {
    cfg: parseConfig({ RECONCILE_BUDGET_MS: '200000' }),
    reconcileLease: lease,
    reconcile: async (budgetMs, runId) => {
      passes.push({ budgetMs, runId, duringPass: await lease.acquire('admin-during', 1000) });
      return emptyReport(now);
    },
  };
  const held = holder ? lease.acquire(holder, 60_000) : Promise.resolve();
  return { rt, lease, passes, held, now };
}

describe('reconcilePayments (scheduled)', () => {
  const logged = useLogCapture();

  it('runs one pass of RECONCILE_BUDGET_MS under the lease (held for the 300 s timeout) and gives it back', async () => {
    const { rt, lease, passes, now } = scheduleRuntime();
    const steps: string[] = [];
    await scheduledHandler(reconcileOnScheduleWork, recordingLifecycle(rt, steps))(EVENT);
    expect(passes).toHaveLength(1);
    const [pass] = passes;
    expect(pass).toMatchObject({ budgetMs: 200_000, runId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string });
    expect(pass!.duringPass).toEqual({ acquired: false, holder: pass!.runId, until: now + 300_000 });
    expect(steps).toEqual(['afterCall']);
    expect(await lease.acquire('next', 1000)).toEqual({ acquired: true });
  });

  it('while another pass holds the lease: no pass, the run succeeds (no retry), one INFO line names that pass', async () => {
    const { rt, passes, held } = scheduleRuntime('admin-run-1');
    await held;
    const steps: string[] = [];
    await expect(scheduledHandler(reconcileOnScheduleWork, recordingLifecycle(rt, steps))(EVENT)).resolves.toBe(
      undefined,
    );
    expect(passes).toEqual([]);
    expect(steps).toEqual(['afterCall']);
    const skips = logged.filter((e) => e.event === 'payments.reconcile_skipped');
    expect(skips).toMatchObject([{ severity: 'INFO', runningRunId: 'admin-run-1' }]);
    expect(logged.filter((e) => e.severity !== 'INFO')).toEqual([]);
  });
});
