import { describe, expect, it } from 'vitest';
import { emptyFilters, filtersProblem, listRequestOf } from './paymentFilters';

describe('payment filters', () => {
  it('sends only the filters that are set, times as epoch ms of the local time', () => {
    expect(listRequestOf(emptyFilters())).toEqual({ limit: 25 });
    const f = { ...emptyFilters(), status: 'succeeded' as const, uid: ' u1 ', from: '2026-12-01T10:00', limit: 50 };
    expect(listRequestOf(f)).toEqual({
      status: 'succeeded',
      uid: 'u1',
      from: new Date(2026, 11, 1, 10, 0).getTime(),
      limit: 50,
    });
  });
  it('refuses a range that ends before it starts', () => {
    expect(filtersProblem({ ...emptyFilters(), from: '2026-12-02T00:00', to: '2026-12-01T00:00' })).toMatch(/after/);
    expect(filtersProblem({ ...emptyFilters(), from: '2026-12-01T00:00', to: '2026-12-02T00:00' })).toBeNull();
  });
});
