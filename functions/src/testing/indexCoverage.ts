import type { RecordedQuery } from './queryRecorder.js';

/**
 * Which index of firestore.indexes.json serves a query, for the test that
 * checks every query the functions run against the declared indexes and
 * exemptions. The emulator runs any query without its index, so a missing
 * composite index, or an exemption that removed a single-field index a query
 * reads, passes every emulator test and fails in production with
 * FAILED_PRECONDITION. Firestore's rules as documented (index overview):
 * collection-scope single-field indexes, ascending and descending, exist for
 * every field unless a field override says otherwise (a map's override covers
 * its subfields); collection-group single-field indexes exist only where an
 * override declares them; equality-only queries merge single-field indexes;
 * anything that orders or ranges over a field and also filters or orders by
 * another needs a composite index with the equalities first, then the order.
 */

type Direction = 'ASCENDING' | 'DESCENDING';
type Scope = RecordedQuery['scope'];

/** firestore.indexes.json, the parts read here. */
export interface IndexFile {
  indexes: CompositeIndex[];
  fieldOverrides: FieldOverride[];
}

/** A composite index as declared. */
export interface CompositeIndex {
  collectionGroup: string;
  queryScope: Scope;
  fields: { fieldPath: string; order?: string; arrayConfig?: string }[];
}

/** A single-field index exemption: the indexes a field keeps (none when empty). */
export interface FieldOverride {
  collectionGroup: string;
  fieldPath: string;
  indexes: { order?: string; arrayConfig?: string; queryScope?: Scope }[];
}

/** The index a query reads. */
export type IndexNeed =
  /** Only the document name: always there. */
  | { kind: 'none' }
  /** Each field's single-field index (equalities only: merged), in `direction` (`ANY` for an equality). */
  | { kind: 'single'; scope: Scope; group: string; fields: { field: string; direction: Direction | 'ANY' }[] }
  /** A composite index: the equality fields in any order, then the ordered fields. */
  | {
      kind: 'composite';
      scope: Scope;
      group: string;
      equalities: string[];
      order: { field: string; direction: Direction }[];
    };

const NAME = '__name__';
const EQUALITY_OPS = new Set(['==', 'in']);

/** The index `q` needs. */
export function indexNeed(q: RecordedQuery): IndexNeed {
  const equalities = [...new Set(q.filters.filter((f) => EQUALITY_OPS.has(f.op)).map((f) => f.field))];
  const ranges = q.filters.filter((f) => !EQUALITY_OPS.has(f.op)).map((f) => f.field);
  // A range without an order is ordered by its field; the document name ends every index in the last direction.
  const order =
    q.orders.length > 0
      ? [...q.orders]
      : ranges.slice(0, 1).map((field) => ({ field, direction: 'ASCENDING' as const }));
  const last = order.at(-1);
  if (last?.field === NAME && (order.length === 1 || order.at(-2)!.direction === last.direction)) order.pop();
  const { scope, group } = q;
  if (equalities.length === 0 && order.length === 0) return { kind: 'none' };
  if (order.length === 0)
    return { kind: 'single', scope, group, fields: equalities.map((field) => ({ field, direction: 'ANY' })) };
  if (equalities.length === 0 && order.length === 1) return { kind: 'single', scope, group, fields: order };
  return { kind: 'composite', scope, group, equalities, order };
}

/** Whether the single-field index of `field` exists in `scope` and `direction`, given the overrides. */
export function singleFieldIndexed(
  file: IndexFile,
  scope: Scope,
  group: string,
  field: string,
  direction: Direction | 'ANY',
): boolean {
  const override = file.fieldOverrides
    .filter((o) => o.collectionGroup === group && (o.fieldPath === field || field.startsWith(`${o.fieldPath}.`)))
    .sort((a, b) => b.fieldPath.length - a.fieldPath.length)[0];
  if (!override) return scope === 'COLLECTION';
  return override.indexes.some(
    (i) =>
      (i.queryScope ?? 'COLLECTION') === scope &&
      i.order !== undefined &&
      (direction === 'ANY' || i.order === direction),
  );
}

/** Whether composite `index` serves `need` exactly (no merging of composites is assumed). */
export function compositeServes(index: CompositeIndex, need: Extract<IndexNeed, { kind: 'composite' }>): boolean {
  if (index.collectionGroup !== need.group || index.queryScope !== need.scope) return false;
  const n = need.equalities.length;
  const eq = index.fields.slice(0, n);
  const rest = index.fields.slice(n);
  return (
    index.fields.length === n + need.order.length &&
    new Set(eq.map((f) => f.fieldPath)).size === n &&
    eq.every((f) => need.equalities.includes(f.fieldPath) && f.order === 'ASCENDING') &&
    rest.every((f, i) => f.fieldPath === need.order[i]!.field && f.order === need.order[i]!.direction)
  );
}

/** Whether `file` serves `need`. */
export function served(file: IndexFile, need: IndexNeed): boolean {
  if (need.kind === 'none') return true;
  if (need.kind === 'single') {
    return need.fields.every((f) => singleFieldIndexed(file, need.scope, need.group, f.field, f.direction));
  }
  return file.indexes.some((index) => compositeServes(index, need));
}

/** A need in words, for a failure message: `payments (COLLECTION): shard ==, status ==, createdAt DESCENDING`. */
export function describeNeed(need: IndexNeed): string {
  if (need.kind === 'none') return 'document name only';
  const fields =
    need.kind === 'single'
      ? need.fields.map((f) => `${f.field} ${f.direction}`)
      : [...need.equalities.map((f) => `${f} ==`), ...need.order.map((o) => `${o.field} ${o.direction}`)];
  return `${need.group} (${need.scope}, ${need.kind}): ${fields.join(', ')}`;
}

/** The distinct needs of `queries` that `file` does not serve, in words. */
export function unservedNeeds(file: IndexFile, queries: readonly RecordedQuery[]): string[] {
  const needs = queries.map(indexNeed).filter((need) => !served(file, need));
  return [...new Set(needs.map(describeNeed))].sort();
}

/** The composite indexes of `file` that serve none of `queries` (each costs a write per indexed document). */
export function unusedComposites(file: IndexFile, queries: readonly RecordedQuery[]): CompositeIndex[] {
  const needs = queries
    .map(indexNeed)
    .filter((n): n is Extract<IndexNeed, { kind: 'composite' }> => n.kind === 'composite');
  return file.indexes.filter((index) => !needs.some((need) => compositeServes(index, need)));
}
