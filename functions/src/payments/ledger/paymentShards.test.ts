import { describe, expect, it } from 'vitest';
import { compareIds, mergeShards, PAYMENT_SHARDS, shardedRecord, shardOf, withShard } from './paymentShards.js';

describe('payment shards', () => {
  it('gives a transactionId always the same shard, within range', () => {
    expect(shardOf('tx-1')).toBe(shardOf('tx-1'));
    for (let i = 0; i < 200; i++) {
      const s = shardOf(`tx-${i}`);
      expect(Number.isInteger(s) && s >= 0 && s < PAYMENT_SHARDS).toBe(true);
    }
  });

  it('spreads sequential transactionIds over every shard', () => {
    const counts = new Array<number>(PAYMENT_SHARDS).fill(0);
    for (let i = 0; i < 1600; i++) counts[shardOf(`order-2026-12-06-${i}`)]!++;
    // 100 expected per shard; a hash keeps each well away from empty or double.
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });

  it('stores the shard with a created record and reads the document as stored', () => {
    const converter = shardedRecord<{ status: string }>('tx-7');
    expect(converter.toFirestore({ status: 'pending' })).toEqual({ status: 'pending', shard: shardOf('tx-7') });
  });

  it('adds the shard to an update of a record stored without it (or with another), and only then', () => {
    const fields = { status: 'failed' };
    expect(withShard('tx-7', { status: 'unknown' }, fields)).toEqual({ status: 'failed', shard: shardOf('tx-7') });
    expect(withShard('tx-7', { shard: shardOf('tx-7') + 1 }, fields)).toEqual({ ...fields, shard: shardOf('tx-7') });
    expect(withShard('tx-7', { shard: shardOf('tx-7') }, fields)).toBe(fields);
  });

  it('merges per-shard pages into the first `limit` of the whole order', () => {
    const pages = [[1, 4, 9], [2, 3], [], [5, 6, 7]];
    expect(mergeShards(pages, (a, b) => a - b, 4)).toEqual([1, 2, 3, 4]);
    expect(mergeShards(pages, (a, b) => a - b, 100)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
    expect(mergeShards(pages, (a, b) => a - b, 0)).toEqual([]);
  });

  it('orders document ids byte-wise, as Firestore does', () => {
    expect(['b', 'B', 'a_2', 'a_10'].sort(compareIds)).toEqual(['B', 'a_10', 'a_2', 'b']);
  });
});
