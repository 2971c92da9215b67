import { describe, expect, it } from 'vitest';
import { openRecord, T0 } from './testing/breakerTestkit.js';
import { closedRecord, Transitions } from './stateMachine.js';

describe('Transitions', () => {
  it('opens a closed record of the same generation only', () => {
    const open = Transitions.open(T0, 3, 30_000, 6, 50);
    expect(open(closedRecord(3, 0))).toEqual({
      next: openRecord(),
      result: { after: openRecord(), changed: true, from: 'closed' },
    });
    expect(open(closedRecord(4, 0)).next).toBeNull(); // closed/reset meanwhile: stale window
    expect(open(openRecord({ openedAt: 5 })).next).toBeNull(); // already open: keep the first openedAt
    expect(Transitions.open(T0, 0, 30_000, 5, 100)(null).result.after).toMatchObject({ state: 'open', generation: 0 });
  });

  it('hands out probe leases only after the open time and up to the limit, pruning expired ones', () => {
    const early = Transitions.acquire(T0 + 29_999, 'a', 1, 20_000)(openRecord());
    expect(early.result.changed).toBe(false);
    const first = Transitions.acquire(T0 + 30_000, 'a', 1, 20_000)(openRecord());
    expect(first.result).toMatchObject({ changed: true, from: 'open' });
    expect(first.next).toMatchObject({ state: 'half-open', probeLeases: [{ id: 'a', expiresAt: T0 + 50_000 }] });
    expect(Transitions.acquire(T0 + 31_000, 'b', 1, 20_000)(first.next).result.changed).toBe(false);
    const replay = Transitions.acquire(T0 + 31_000, 'a', 2, 20_000)(first.next);
    expect(replay.next).toBeNull(); // an ambiguous commit replayed does not take a second lease
    const afterExpiry = Transitions.acquire(T0 + 50_000, 'b', 1, 20_000)(first.next);
    expect(afterExpiry.next?.probeLeases).toEqual([{ id: 'b', expiresAt: T0 + 70_000 }]);
    expect(Transitions.acquire(T0, 'a', 1, 1)(closedRecord(0, 0)).result.changed).toBe(false);
  });

  it('applies a probe verdict only while half-open in the probe generation', () => {
    const halfOpen = openRecord({ state: 'half-open', probeLeases: [{ id: 'a', expiresAt: T0 + 50_000 }] });
    const at = T0 + 31_000;
    expect(Transitions.finishProbe(at, 'a', 3, 'success', 30_000)(halfOpen).next).toEqual(closedRecord(4, at));
    expect(Transitions.finishProbe(at, 'a', 3, 'failure', 30_000)(halfOpen).next).toMatchObject({
      state: 'open',
      generation: 3,
      openedAt: at,
      nextProbeAt: at + 30_000,
      probeLeases: [],
      calls: 1,
      failureRate: 100,
    });
    expect(Transitions.finishProbe(at, 'a', 3, 'ignored', 30_000)(halfOpen).next).toMatchObject({
      state: 'half-open',
      probeLeases: [],
    });
    expect(Transitions.finishProbe(at, 'a', 2, 'success', 30_000)(halfOpen).next).toBeNull();
    expect(Transitions.finishProbe(at, 'a', 3, 'failure', 30_000)(closedRecord(3, 0)).next).toBeNull();
  });

  it('resets any record to closed with a new generation', () => {
    expect(Transitions.reset(T0)(openRecord()).result).toEqual({
      after: closedRecord(4, T0),
      changed: true,
      from: 'open',
    });
    expect(Transitions.reset(T0)(null).next).toEqual(closedRecord(1, T0));
  });
});
