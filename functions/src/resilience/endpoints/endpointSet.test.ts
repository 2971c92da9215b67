import { describe, expect, it } from 'vitest';
import { EndpointSet, type EndpointEvent } from './endpointSet.js';

function set(names: string[], opts: { random?: number } = {}) {
  let t = 1_000_000;
  const events: EndpointEvent[] = [];
  const s = new EndpointSet(names, {
    consecutiveFailures: 3,
    baseEjectionMs: 10_000,
    maxEjectionMs: 100_000,
    now: () => t,
    random: () => opts.random ?? 0.5,
  });
  s.onEvent((e) => events.push(e));
  return { s, events, advance: (ms: number) => (t += ms), now: () => t };
}

const fail = (s: EndpointSet, i: number, n: number) => {
  for (let k = 0; k < n; k++) {
    s.start(i);
    s.finish(i, 'failure', 10);
  }
};

describe('EndpointSet: least outstanding requests, ties by latency', () => {
  it('sends to the endpoint with the fewest requests in flight', () => {
    const { s } = set(['a', 'b', 'c']);
    s.start(0);
    s.start(0);
    s.start(1);
    expect(s.pick()).toBe(2);
    s.start(2);
    s.start(2);
    expect(s.pick()).toBe(1);
  });

  it('breaks ties by recent latency, then in turn', () => {
    const { s } = set(['a', 'b']);
    const first = s.pick();
    expect(s.pick()).not.toBe(first); // no latency known yet: round robin
    s.start(0);
    s.finish(0, 'success', 300);
    s.start(1);
    s.finish(1, 'success', 20);
    expect([s.pick(), s.pick(), s.pick()]).toEqual([1, 1, 1]);
  });
});

describe('EndpointSet: outlier ejection', () => {
  it('ejects after consecutive failures; a success in between resets the count; 429-like answers are neutral', () => {
    const { s, events } = set(['a', 'b']);
    fail(s, 0, 2);
    s.start(0);
    s.finish(0, 'success', 10);
    fail(s, 0, 2);
    s.start(0);
    s.finish(0, 'neutral', 10);
    expect(s.ejection(0)).toMatchObject({ ejected: false, consecutiveFailures: 2 });
    fail(s, 0, 1);
    expect(s.ejection(0)).toMatchObject({ ejected: true, ejections: 1 });
    expect(events).toEqual([expect.objectContaining({ kind: 'ejected', endpoint: 'a', ejections: 1 })]);
    expect([s.pick(), s.pick(), s.pick()]).toEqual([1, 1, 1]);
  });

  it('never ejects more than half of the endpoints, and never the only one', () => {
    const two = set(['a', 'b']);
    fail(two.s, 0, 3);
    fail(two.s, 1, 3);
    expect([two.s.ejection(0).ejected, two.s.ejection(1).ejected]).toEqual([true, false]);
    expect(two.events.map((e) => e.kind)).toEqual(['ejected', 'ejection-skipped']);
    const one = set(['only']);
    expect(one.s.finish(0, 'failure', 1)).toBe(false);
    fail(one.s, 0, 10);
    expect(one.s.ejection(0).ejected).toBe(false);
    expect(one.s.pick()).toBe(0);
  });

  it('comes back after a jittered period that grows with repeated ejections', () => {
    const low = set(['a', 'b'], { random: 0 }); // jitter 0.75
    fail(low.s, 0, 3);
    expect(low.s.ejection(0).ejectedUntil).toBe(low.now() + 7500);
    const { s, events, advance, now } = set(['a', 'b'], { random: 1 }); // jitter 1.25
    fail(s, 0, 3);
    expect(s.ejection(0).ejectedUntil).toBe(now() + 12_500);
    advance(12_500);
    expect(s.ejection(0).ejected).toBe(false);
    expect(events.at(-1)).toEqual({ kind: 'returned', endpoint: 'a' });
    // On probation: one more failure in a row ejects it again, for twice as long.
    fail(s, 0, 1);
    expect(s.ejection(0)).toMatchObject({ ejected: true, ejections: 2, ejectedUntil: now() + 25_000 });
    advance(25_000);
    s.pick();
    // A whole longest period without trouble resets the multiplier.
    advance(100_001);
    fail(s, 0, 3);
    expect(s.ejection(0)).toMatchObject({ ejections: 1, ejectedUntil: now() + 12_500 });
  });

  it('an ejected endpoint reports its failures as isolated', () => {
    const { s } = set(['a', 'b']);
    s.start(0);
    expect(s.finish(0, 'failure', 5)).toBe(false);
    fail(s, 0, 1);
    s.start(0);
    expect(s.finish(0, 'failure', 5)).toBe(true);
    expect(s.outstanding(0)).toBe(0);
  });
});

describe('EndpointSet: moving a retry away', () => {
  it('picks another endpoint than the one to avoid while one is in rotation', () => {
    const { s } = set(['a', 'b', 'c']);
    for (let k = 0; k < 6; k++) expect(s.pick(1)).not.toBe(1);
    const { s: one } = set(['a']);
    expect(one.pick(0)).toBe(0);
  });

  it('reports an endpoint as failing after a failed request until one succeeds; neutral answers change nothing', () => {
    const { s } = set(['a', 'b']);
    expect(s.failing(0)).toBe(false);
    fail(s, 0, 1);
    expect(s.failing(0)).toBe(true);
    s.start(0);
    s.finish(0, 'neutral', 10);
    expect(s.failing(0)).toBe(true);
    s.start(0);
    s.finish(0, 'success', 10);
    expect(s.failing(0)).toBe(false);
  });

  it('reports an ejected endpoint as failing, and a returned one as clean', () => {
    const { s, advance } = set(['a', 'b']);
    fail(s, 0, 3);
    expect(s.ejection(0).ejected).toBe(true);
    expect(s.failing(0)).toBe(true);
    advance(60_000);
    expect(s.failing(0)).toBe(false);
    expect(s.ejection(0).ejected).toBe(false);
  });
});
