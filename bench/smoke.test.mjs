import { describe, expect, it } from 'vitest';
import { brokenParts } from './smoke.mjs';

const table = (rows) => ({ headers: ['path', 'calls', 'p50'], rows });
const ok = (id) => ({
  id,
  title: `s${id}`,
  checks: [{ name: 'x', value: '1.00x' }],
  tables: [table([['a', '3', '1 ms']])],
});

describe('brokenParts', () => {
  it('accepts sections that all ran and measured', () => {
    expect(brokenParts([ok(1), ok(2)], [1, 2])).toEqual([]);
  });

  it('reports a crashed, a missing and an empty section', () => {
    const crashed = { id: 1, title: 's1', error: "Cannot read properties of undefined (reading 'snapshot')" };
    const empty = { id: 3, title: 's3', checks: [], tables: [table([])] };
    const problems = brokenParts([crashed, empty], [1, 2, 3]);
    expect(problems).toEqual([
      'section 2 did not run',
      "section 1 (s1) failed: Cannot read properties of undefined (reading 'snapshot')",
      'section 3 (s3) produced no numbers',
    ]);
  });

  it('reports a table cell or a check value nobody measured', () => {
    const s = ok(7);
    s.tables.push({ title: 'Per call', headers: ['path', 'calls', 'p50'], rows: [['retry after 5xx', '0', 'n/a']] });
    s.checks.push({ name: 'ratio', value: 'NaN' });
    expect(brokenParts([s], [7])).toEqual([
      'section 7 (s7): "ratio" was not measured (NaN)',
      'section 7 (s7): Per call, row "retry after 5xx", column "p50" is n/a',
    ]);
  });
});
