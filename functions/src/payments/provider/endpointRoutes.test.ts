import { describe, expect, it } from 'vitest';
import { parseRef, pinnedEndpoint } from './endpointRef.js';
import {
  chargeRoute,
  combineLookups,
  lookupRoute,
  settlesFirst,
  type EndpointDirectory,
  type LookupPlan,
} from './endpointRoutes.js';
import type { LookupAnswer } from './paymentProvider.js';

const dir = (shareKeys: boolean, active = ['a', 'b'], retired = ['old']): EndpointDirectory => ({
  active,
  retired,
  shareKeys,
});
const route = (ref: string, d: EndpointDirectory) => chargeRoute(pinnedEndpoint(ref), d);
const plan = (ref: string, d: EndpointDirectory): LookupPlan => {
  const r = lookupRoute(parseRef(ref), d);
  if (r.kind !== 'plan') throw new Error(`no plan: ${JSON.stringify(r)}`);
  return r.plan;
};

const found: LookupAnswer = { kind: 'found', charge: { kind: 'succeeded', chargeId: 'ch_1' } };
const notFound: LookupAnswer = { kind: 'not-found' };
const down: LookupAnswer = { kind: 'unavailable', reason: 'timeout' };

describe('chargeRoute', () => {
  it('charges a pinned payment at its endpoint wherever it is listed now', () => {
    expect(route('t@b', dir(false))).toEqual({ kind: 'pinned', index: 1 });
    expect(route('t@b', dir(false, ['c', 'a', 'b']))).toEqual({ kind: 'pinned', index: 2 });
  });

  it('never charges at a retired or unknown endpoint', () => {
    expect(route('t@old', dir(false))).toEqual({ kind: 'refused', reason: 'endpoint-retired', endpoint: 'old' });
    expect(route('t@old#shared', dir(true))).toMatchObject({ kind: 'refused', reason: 'endpoint-retired' });
    expect(route('t@gone', dir(true))).toEqual({
      kind: 'refused',
      reason: 'endpoint-not-configured',
      endpoint: 'gone',
    });
  });

  it('with shared keys prefers the pinned endpoint and may fail over', () => {
    expect(route('t@b#shared', dir(true))).toEqual({ kind: 'any', prefer: 1 });
    expect(route('t@b', dir(true))).toEqual({ kind: 'any', prefer: 1 });
  });

  it('sends an unpinned record only where its endpoint cannot be mistaken', () => {
    expect(route('t', dir(false, ['a'], []))).toEqual({ kind: 'pinned', index: 0 });
    expect(route('t', dir(true))).toEqual({ kind: 'any', prefer: null });
    expect(route('t', dir(false))).toEqual({ kind: 'refused', reason: 'unpinned', endpoint: null });
  });
});

describe('lookupRoute', () => {
  it('asks a pinned payment only at its endpoint, configured or retired, without shared keys', () => {
    expect(plan('t@b', dir(false))).toEqual({ first: { retired: false, index: 1 }, rest: [], notFound: 'first' });
    expect(plan('t@old', dir(false))).toEqual({ first: { retired: true, index: 0 }, rest: [], notFound: 'first' });
  });

  it('never guesses for an endpoint in neither list, shared keys or not', () => {
    for (const shareKeys of [false, true]) {
      for (const ref of ['t@gone', 't@gone#shared']) {
        expect(lookupRoute(parseRef(ref), dir(shareKeys))).toEqual({ kind: 'unknown-endpoint', endpoint: 'gone' });
      }
    }
  });

  it('with shared keys asks the pinned endpoint first, then the others', () => {
    expect(plan('t@b#shared', dir(true))).toEqual({
      first: { retired: false, index: 1 },
      rest: [
        { retired: false, index: 0 },
        { retired: true, index: 0 },
      ],
      notFound: 'any',
    });
    // Pinned while keys were not shared: only its own endpoint's NOT_FOUND proves anything.
    expect(plan('t@b', dir(true)).notFound).toBe('first');
  });

  it('needs every endpoint to say NOT_FOUND where the charge may be at any of them', () => {
    // Pinned while keys were shared, now they are not: an attempt may have failed over.
    expect(plan('t@a#shared', dir(false))).toMatchObject({ notFound: 'all', rest: [{}, {}] });
    // A record of an older version: no pin at all.
    expect(plan('t', dir(false))).toEqual({
      first: null,
      rest: [
        { retired: false, index: 0 },
        { retired: false, index: 1 },
        { retired: true, index: 0 },
      ],
      notFound: 'all',
    });
    expect(plan('t', dir(true)).notFound).toBe('any');
  });
});

describe('combineLookups', () => {
  const pinned = plan('t@a', dir(true));
  const all = plan('t', dir(false));
  const any = plan('t@a#shared', dir(true));

  it('a charge found anywhere is the answer', () => {
    expect(combineLookups(all, [notFound, found, down])).toEqual(found);
    expect(combineLookups(pinned, [down, notFound, found])).toEqual(found);
  });

  it('settles "not found" only where the plan says it proves it', () => {
    expect(combineLookups(all, [notFound, notFound, notFound])).toEqual(notFound);
    expect(combineLookups(all, [notFound, notFound, down])).toMatchObject({ kind: 'unavailable' });
    expect(combineLookups(all, [notFound, notFound])).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('not asked in time') as string,
    });
    expect(combineLookups(any, [down, notFound])).toEqual(notFound);
    // The pinned endpoint could not answer; the others' NOT_FOUND proves nothing for it.
    expect(combineLookups(pinned, [down, notFound, notFound])).toMatchObject({ kind: 'unavailable' });
    expect(combineLookups(pinned, [notFound])).toEqual(notFound);
  });

  it('lets the first answer settle a lookup only when the plan allows', () => {
    expect(settlesFirst(pinned, notFound)).toBe(true);
    expect(settlesFirst(any, notFound)).toBe(true);
    expect(settlesFirst(plan('t@a#shared', dir(false)), notFound)).toBe(false);
    expect(settlesFirst(all, found)).toBe(true);
    expect(settlesFirst(pinned, down)).toBe(false);
  });
});
