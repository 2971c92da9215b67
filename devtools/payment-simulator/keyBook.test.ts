import { describe, expect, it } from 'vitest';
import { IdempotentKeyBook } from './keyBook.ts';
import type { KeyBookResult, KeyBookRules } from './keyBook.ts';
import { error } from './replies.ts';
import type { Reply } from './replies.ts';

/** A book of notes: a repeat must keep the text; records count how many were made before them. */
type Note = { text: string };
type Row = { n: number; text: string; at: number };

const FOREVER = { keyTtlMs: Number.POSITIVE_INFINITY };

function bookAt(start = 1_000) {
  let t = start;
  let made = 0;
  const rules: KeyBookRules<Note, Row> = {
    record: ({ text }, at) => ({ n: ++made, text, at }),
    same: (existing, { text }) => existing.text === text,
    created: (row) => ({ status: 201, body: row }),
    replayed: (row) => ({ status: 200, body: { ...row } }),
    conflict: 'This key was used with another text.',
  };
  const book = new IdempotentKeyBook(rules, () => t);
  return { book, advance: (ms: number) => (t += ms) };
}

function answered(result: KeyBookResult): Reply {
  if (result.kind !== 'answered') throw new Error(`expected an answer, got ${result.kind}`);
  return result.reply;
}
const code = (reply: Reply) => (reply.body as { error: { code: string } }).error.code;

describe('IdempotentKeyBook', () => {
  it('records a key once: a matching repeat is replayed, another entry is IDEMPOTENCY_CONFLICT', () => {
    const { book } = bookAt();
    expect(answered(book.submit('k', { text: 'a' }, FOREVER))).toEqual({
      status: 201,
      body: { n: 1, text: 'a', at: 1_000 },
    });
    expect(answered(book.submit('k', { text: 'a' }, FOREVER))).toEqual({
      status: 200,
      body: { n: 1, text: 'a', at: 1_000 },
    });
    const conflict = answered(book.submit('k', { text: 'b' }, FOREVER));
    expect([conflict.status, code(conflict)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
    expect((conflict.body as { error: { message: string } }).error.message).toBe(
      'This key was used with another text.',
    );
    expect(book.snapshot().records).toEqual([{ n: 1, text: 'a', at: 1_000 }]);
  });

  it('answers IDEMPOTENCY_KEY_IN_USE while a delayed commit is pending, and commits it when due', () => {
    const { book, advance } = bookAt();
    expect(book.submit('k', { text: 'a' }, { ...FOREVER, commitAt: 1_500 })).toEqual({
      kind: 'scheduled',
      commitAt: 1_500,
    });
    expect(book.pendingEntries()).toEqual([{ text: 'a' }]);
    expect(book.find('k')).toBeUndefined();
    const busy = answered(book.submit('k', { text: 'a' }, FOREVER));
    expect([busy.status, code(busy)]).toEqual([409, 'IDEMPOTENCY_KEY_IN_USE']);
    expect(book.snapshot().pendingCommits).toEqual({ k: new Date(1_500).toISOString() });
    advance(500);
    expect(book.find('k')).toEqual({ n: 1, text: 'a', at: 1_500 });
    expect(book.pendingEntries()).toEqual([]);
    expect(answered(book.submit('k', { text: 'a' }, FOREVER)).status).toBe(200);
  });

  it('commits due entries in commit order, whatever order they were accepted in', () => {
    const { book, advance } = bookAt();
    book.submit('late', { text: 'late' }, { ...FOREVER, commitAt: 1_300 });
    book.submit('early', { text: 'early' }, { ...FOREVER, commitAt: 1_200 });
    advance(400);
    expect(book.snapshot().records.map((r) => r.text)).toEqual(['early', 'late']);
  });

  it('forgets a key after its retention, so it records again; lookups find the latest record', () => {
    const { book, advance } = bookAt();
    book.submit('k', { text: 'a' }, { keyTtlMs: 100 });
    advance(99);
    expect(answered(book.submit('k', { text: 'b' }, { keyTtlMs: 100 })).status).toBe(409);
    advance(1);
    expect(answered(book.submit('k', { text: 'b' }, { keyTtlMs: 100 }))).toEqual({
      status: 201,
      body: { n: 2, text: 'b', at: 1_100 },
    });
    expect(book.find('k')).toEqual({ n: 2, text: 'b', at: 1_100 });
    expect(book.snapshot().records.map((r) => r.n)).toEqual([1, 2]);
  });

  it('puts only new keys to admit: its refusal is the answer and records nothing', () => {
    const { book } = bookAt();
    const refusal = error(422, 'NO_ROOM', 'no room');
    expect(answered(book.submit('k', { text: 'a' }, FOREVER, () => refusal))).toBe(refusal);
    expect(book.find('k')).toBeUndefined();
    book.submit('k', { text: 'a' }, FOREVER, () => undefined);
    let asked = 0;
    const reply = answered(
      book.submit('k', { text: 'a' }, FOREVER, () => {
        asked++;
        return refusal;
      }),
    );
    expect([reply.status, asked]).toEqual([200, 0]);
  });

  it('counts requests per key, snapshots copies, and clear forgets everything', () => {
    const { book } = bookAt();
    book.countRequest('k');
    book.countRequest('k');
    book.submit('k', { text: 'a' }, FOREVER);
    book.submit('p', { text: 'p' }, { ...FOREVER, commitAt: 9_000 });
    const snap = book.snapshot();
    expect(snap.requests).toEqual({ k: 2 });
    snap.records[0].text = 'changed';
    expect(book.find('k')?.text).toBe('a');
    expect(book.recorded()).toHaveLength(1);
    book.clear();
    expect(book.snapshot()).toEqual({ records: [], requests: {}, pendingCommits: {} });
    expect(book.find('k')).toBeUndefined();
    expect(answered(book.submit('p', { text: 'p' }, FOREVER)).status).toBe(201);
  });
});
