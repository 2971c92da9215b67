import { describe, expect, it } from 'vitest';
import {
  EMPTY_MESSAGE,
  MAX_MESSAGE_BYTES,
  PUT_LOG_EVENTS_LIMITS,
  TRUNCATION_MARKER,
  planBatches,
  prepareEvent,
  truncateUtf8,
  utf8Bytes,
  type InputLogEvent,
} from './logEvents.js';

const OVERHEAD = PUT_LOG_EVENTS_LIMITS.perEventOverheadBytes;
const MARKER_BYTES = utf8Bytes(TRUNCATION_MARKER);
const DAY = 24 * 60 * 60 * 1000;

/** True when the string holds no U+FFFD, i.e. no character was split when cutting bytes. */
const wellFormed = (s: string) =>
  !s.includes('\uFFFD') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Compares huge strings without printing them on failure. */
function expectSame(actual: string, expected: string): void {
  expect({ length: actual.length, tail: actual.slice(-20) }).toEqual({
    length: expected.length,
    tail: expected.slice(-20),
  });
  expect(actual === expected).toBe(true);
}
const TAIL = 'z'.repeat(100);

describe('utf8Bytes', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8Bytes('a')).toBe(1);
    expect(utf8Bytes('é')).toBe(2);
    expect(utf8Bytes('€')).toBe(3);
    expect(utf8Bytes('😀')).toBe(4);
    expect('😀'.length).toBe(2);
  });
});

describe('truncateUtf8', () => {
  it('returns a message that fits exactly unchanged', () => {
    const s = 'x'.repeat(MAX_MESSAGE_BYTES);
    expect(truncateUtf8(s, MAX_MESSAGE_BYTES) === s).toBe(true);
  });

  it('cuts a message one byte too long to exactly the limit, ending with the marker', () => {
    const out = truncateUtf8('x'.repeat(MAX_MESSAGE_BYTES + 1), MAX_MESSAGE_BYTES);
    expect(utf8Bytes(out)).toBe(MAX_MESSAGE_BYTES);
    expect(out.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('never splits a 2-byte character at the cut', () => {
    const keep = MAX_MESSAGE_BYTES - MARKER_BYTES; // bytes of content kept
    // 'é' starts one byte before the cut: it would be split, so it is dropped whole.
    const s = 'x'.repeat(keep - 1) + 'é' + TAIL;
    const out = truncateUtf8(s, MAX_MESSAGE_BYTES);
    expectSame(out, 'x'.repeat(keep - 1) + TRUNCATION_MARKER);
    expect(utf8Bytes(out)).toBe(MAX_MESSAGE_BYTES - 1);
    // 'é' ends exactly at the cut: it is kept.
    const s2 = 'x'.repeat(keep - 2) + 'é' + TAIL;
    expectSame(truncateUtf8(s2, MAX_MESSAGE_BYTES), 'x'.repeat(keep - 2) + 'é' + TRUNCATION_MARKER);
  });

  it.each([1, 2, 3])('never splits a 4-byte emoji when the cut falls %i byte(s) into it', (into) => {
    const keep = MAX_MESSAGE_BYTES - MARKER_BYTES;
    const s = 'y'.repeat(keep - into) + '😀'.repeat(10);
    const out = truncateUtf8(s, MAX_MESSAGE_BYTES);
    expectSame(out, 'y'.repeat(keep - into) + TRUNCATION_MARKER);
    expect(wellFormed(out)).toBe(true);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('keeps an emoji that ends exactly at the cut', () => {
    const keep = MAX_MESSAGE_BYTES - MARKER_BYTES;
    const s = 'y'.repeat(keep - 4) + '😀' + '😀' + TAIL;
    expectSame(truncateUtf8(s, MAX_MESSAGE_BYTES), 'y'.repeat(keep - 4) + '😀' + TRUNCATION_MARKER);
  });

  it('handles a message made only of multi-byte characters', () => {
    const out = truncateUtf8('é'.repeat(200_000), MAX_MESSAGE_BYTES);
    expect(utf8Bytes(out)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(wellFormed(out)).toBe(true);
  });
});

describe('prepareEvent', () => {
  it('truncates oversized messages, fills empty ones and drops fractional milliseconds', () => {
    expect(prepareEvent({ timestamp: 5.9, message: '' })).toEqual({ timestamp: 5, message: EMPTY_MESSAGE });
    const big = prepareEvent({ timestamp: 1, message: '€'.repeat(100_000) });
    expect(utf8Bytes(big.message) + OVERHEAD).toBeLessThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxEventBytes);
  });
});

describe('planBatches', () => {
  const ev = (timestamp: number, message = 'm'): InputLogEvent => ({ timestamp, message });

  it('returns no batch for no events', () => {
    expect(planBatches([])).toEqual([]);
  });

  it('sorts by timestamp, stable for equal timestamps, and keeps source items aligned', () => {
    const items = [ev(3, 'c'), ev(1, 'a1'), ev(2, 'b'), ev(1, 'a2')];
    const [batch, ...rest] = planBatches(items);
    expect(rest).toHaveLength(0);
    expect(batch!.logEvents.map((e) => e.message)).toEqual(['a1', 'a2', 'b', 'c']);
    expect(batch!.items.map((e) => e.message)).toEqual(['a1', 'a2', 'b', 'c']);
    expect(batch!.bytes).toBe(2 + 2 + 1 + 1 + 4 * OVERHEAD);
  });

  it('splits at 10,000 events', () => {
    const items = Array.from({ length: 10_001 }, (_, i) => ev(1000 + i));
    const batches = planBatches(items);
    expect(batches.map((b) => b.logEvents.length)).toEqual([10_000, 1]);
  });

  it('fills a batch to exactly 1,048,576 bytes and splits one byte later', () => {
    // 4 events of (262,144 - 26) message bytes = exactly 1,048,576 bytes with overhead.
    const full = 'a'.repeat(MAX_MESSAGE_BYTES);
    const exact = planBatches([ev(1, full), ev(2, full), ev(3, full), ev(4, full)]);
    expect(exact).toHaveLength(1);
    expect(exact[0]!.bytes).toBe(PUT_LOG_EVENTS_LIMITS.maxBatchBytes);

    const over = planBatches([ev(1, full), ev(2, full), ev(3, full), ev(4, full), ev(5, 'b')]);
    expect(over.map((b) => b.logEvents.length)).toEqual([4, 1]);
  });

  it('counts multi-byte characters as bytes at the exact batch edge', () => {
    // 'é' is 2 bytes: 131,059 of them = 262,118 bytes = one full event.
    const fullE = 'é'.repeat(MAX_MESSAGE_BYTES / 2);
    expect(utf8Bytes(fullE)).toBe(MAX_MESSAGE_BYTES);
    // 3 full events + D + E fill 1,048,576 bytes exactly when E is 'é' (2 bytes).
    const d = 'é'.repeat((PUT_LOG_EVENTS_LIMITS.maxEventBytes - 2 * OVERHEAD - 2) / 2);
    const exact = planBatches([ev(1, fullE), ev(2, fullE), ev(3, fullE), ev(4, d), ev(5, 'é')]);
    expect(exact).toHaveLength(1);
    expect(exact[0]!.bytes).toBe(PUT_LOG_EVENTS_LIMITS.maxBatchBytes);
    // 'éx' is 3 bytes: one byte over, so E moves to a second batch.
    const over = planBatches([ev(1, fullE), ev(2, fullE), ev(3, fullE), ev(4, d), ev(5, 'éx')]);
    expect(over.map((b) => b.logEvents.length)).toEqual([4, 1]);
    // An emoji (4 bytes) likewise.
    expect(planBatches([ev(1, fullE), ev(2, fullE), ev(3, fullE), ev(4, d), ev(5, '😀')])).toHaveLength(2);
  });

  it('truncates an oversized event and accounts for its truncated size', () => {
    const [batch] = planBatches([ev(1, '😀'.repeat(70_000))]);
    const msg = batch!.logEvents[0]!.message;
    expect(msg.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(wellFormed(msg)).toBe(true);
    expect(batch!.bytes).toBe(utf8Bytes(msg) + OVERHEAD);
    expect(batch!.bytes).toBeLessThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxEventBytes);
  });

  it('allows a span of exactly 24 hours and splits beyond it', () => {
    expect(planBatches([ev(0), ev(DAY)])).toHaveLength(1);
    const batches = planBatches([ev(DAY + 1), ev(0), ev(5), ev(DAY + 10)]);
    expect(batches.map((b) => b.logEvents.map((e) => e.timestamp))).toEqual([
      [0, 5],
      [DAY + 1, DAY + 10],
    ]);
  });

  it('produces batches that each respect every limit on a mixed workload', () => {
    const items: InputLogEvent[] = [];
    for (let i = 0; i < 300; i++) items.push(ev((i * 7919) % (3 * DAY), 'é😀x'.repeat((i * 31) % 9000)));
    const batches = planBatches(items);
    expect(batches.reduce((n, b) => n + b.items.length, 0)).toBe(300);
    for (const b of batches) {
      const ts = b.logEvents.map((e) => e.timestamp);
      expect(ts).toEqual([...ts].sort((x, y) => x - y));
      expect(ts.at(-1)! - ts[0]!).toBeLessThanOrEqual(DAY);
      expect(b.logEvents.length).toBeLessThanOrEqual(10_000);
      const bytes = b.logEvents.reduce((n, e) => n + utf8Bytes(e.message) + OVERHEAD, 0);
      expect(bytes).toBe(b.bytes);
      expect(bytes).toBeLessThanOrEqual(PUT_LOG_EVENTS_LIMITS.maxBatchBytes);
    }
  });
});
