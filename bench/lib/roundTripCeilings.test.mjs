import { describe, expect, it } from 'vitest';
import { CEILINGS, grownPaths } from './roundTripCeilings.mjs';

const rows = (over = {}) =>
  Object.entries(CEILINGS).map(([key, ceiling]) => ({ key, name: key, range: over[key] ?? [ceiling, ceiling] }));

describe('section 7 round-trip ceilings', () => {
  it('every path at or under its ceiling: nothing grew', () => {
    expect(grownPaths(rows())).toEqual([]);
    expect(grownPaths(rows({ happyFirst: [2, 2] }))).toEqual([]);
  });

  it('one call of a path over its ceiling fails it', () => {
    expect(grownPaths(rows({ happyCached: [2, 3] }))).toEqual(['happyCached: 3 > 2']);
    expect(grownPaths(rows({ replay: [2, 2], limited: [1, 2] }))).toEqual(['replay: 2 > 1', 'limited: 2 > 1']);
  });

  it('a path not measured, missing, or without a ceiling is reported, not passed', () => {
    const measured = rows().filter((r) => r.key !== 'unknown');
    expect(grownPaths([...measured, { key: 'unknown', name: 'unknown', range: null }])).toEqual([
      'unknown: not measured',
    ]);
    expect(grownPaths(measured)).toEqual(['unknown: no path measured']);
    expect(grownPaths([...rows(), { key: 'new', name: 'a new path', range: [1, 1] }])).toEqual([
      'a new path: no ceiling',
    ]);
  });
});
