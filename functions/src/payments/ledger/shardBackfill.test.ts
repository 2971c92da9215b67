import { describe, expect, it } from 'vitest';
import { shardOf } from './paymentShards.js';
import {
  BACKFILL_PAGE,
  MAX_BATCH_WRITES,
  nextProgress,
  resumeFrom,
  shardRepairs,
  START,
  type BackfillProgress,
} from './shardBackfill.js';

describe('shard backfill', () => {
  it('repairs the documents without a shard or with another one, and leaves correct ones', () => {
    const page = [
      { id: 'legacy', shard: undefined },
      { id: 'ok', shard: shardOf('ok') },
      { id: 'stale', shard: (shardOf('stale') + 1) % 16 },
      { id: 'text', shard: String(shardOf('text')) },
    ];
    expect(shardRepairs(page)).toEqual([
      { id: 'legacy', shard: shardOf('legacy') },
      { id: 'stale', shard: shardOf('stale') },
      { id: 'text', shard: shardOf('text') },
    ]);
    expect(shardRepairs(page.map(({ id }) => ({ id, shard: shardOf(id) })))).toEqual([]);
  });

  it('keeps a page of updates and the progress document within one batch', () => {
    expect(BACKFILL_PAGE + 1).toBeLessThanOrEqual(MAX_BATCH_WRITES);
  });

  it('advances the cursor and counts, and is done after a short page', () => {
    const full = [{ id: 'a' }, { id: 'b' }];
    const first = nextProgress(START, full, 1, 2);
    expect(first).toEqual({ after: 'b', scanned: 2, updated: 1, done: false });
    expect(nextProgress(first, [{ id: 'c' }], 0, 2)).toEqual({ after: 'c', scanned: 3, updated: 1, done: true });
    expect(nextProgress(first, [], 0, 2)).toEqual({ after: 'b', scanned: 2, updated: 1, done: true });
  });

  it('resumes an interrupted run and starts a finished, missing or malformed one over', () => {
    const stopped: BackfillProgress = { after: 'tx-9', scanned: 800, updated: 12, done: false };
    expect(resumeFrom({ ...stopped, at: 1 })).toEqual(stopped);
    expect(resumeFrom({ ...stopped, done: true })).toEqual(START);
    expect(resumeFrom(undefined)).toEqual(START);
    expect(resumeFrom({ after: 42, scanned: 1, updated: 1, done: false })).toEqual(START);
    expect(resumeFrom({ after: 'x', scanned: -1, updated: 'many', done: false })).toEqual({
      after: 'x',
      scanned: 0,
      updated: 0,
      done: false,
    });
  });
});
