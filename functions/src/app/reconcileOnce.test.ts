import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../api/index.js';
import { leaseStep, type LeaseRecord } from '../resilience/lease/lease.js';
import { emptyReport } from '../payments/reconcile.js';
import { reconcileOnce } from './reconcileOnce.js';

/** A lease in memory with the rule FirestoreLease applies in its transaction. */
function memoryLease(now: () => number) {
  let record: LeaseRecord | undefined;
  return {
    acquire: (holder: string, ttlMs: number) => {
      const step = leaseStep(record, holder, ttlMs, now());
      if ('held' in step) return Promise.resolve({ acquired: false as const, ...step.held });
      record = step.write;
      return Promise.resolve({ acquired: true as const });
    },
    release: (holder: string) => {
      if (record?.holder === holder) record = undefined;
      return Promise.resolve();
    },
  };
}

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
