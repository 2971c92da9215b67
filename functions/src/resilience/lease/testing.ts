import { leaseStep, type Lease, type LeaseRecord } from './lease.js';

/**
 * A lease in memory with the rule FirestoreLease applies in its transaction,
 * for the tests of the jobs that take one (the real one needs Firestore).
 */
export function memoryLease(now: () => number): Lease {
  let record: LeaseRecord | undefined;
  return {
    acquire: (holder, ttlMs) => {
      const step = leaseStep(record, holder, ttlMs, now());
      if ('held' in step) return Promise.resolve({ acquired: false as const, ...step.held });
      record = step.write;
      return Promise.resolve({ acquired: true as const });
    },
    release: (holder) => {
      if (record?.holder === holder) record = undefined;
      return Promise.resolve();
    },
  };
}
