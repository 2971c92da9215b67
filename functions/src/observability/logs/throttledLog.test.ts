import { describe, expect, it } from 'vitest';
import type { LogFields } from './logger.js';
import { ThrottledLog } from './throttledLog.js';

function recorder() {
  let t = 0;
  const lines: { event: string; fields: LogFields }[] = [];
  const log = new ThrottledLog(
    (event, fields) => lines.push({ event, fields }),
    60_000,
    () => t,
  );
  return { log, lines, advance: (ms: number) => (t += ms) };
}

describe('ThrottledLog', () => {
  it('logs the first event at once, then at most one line per interval with the count since the last line', () => {
    const { log, lines, advance } = recorder();
    expect(log.record('k', 'refused', { reason: 'r' }, 'WARNING')).toBe(true);
    let written = 0;
    for (let i = 0; i < 999; i++) {
      advance(50); // 1000 events over ~50 s: all inside the first interval
      if (log.record('k', 'refused', { reason: 'r' }, 'WARNING')) written++;
    }
    expect(written).toBe(0);
    expect(lines).toEqual([{ event: 'refused', fields: { reason: 'r', count: 1, intervalMs: 60_000 } }]);
    advance(10_050); // 60 s after the first line
    expect(log.record('k', 'refused', { reason: 'r' }, 'WARNING')).toBe(true);
    expect(lines[1]?.fields).toMatchObject({ count: 1000 });
  });

  it('keys are independent', () => {
    const { log, lines } = recorder();
    log.record('a', 'refused', { reason: 'a' }, 'WARNING');
    log.record('b', 'refused', { reason: 'b' }, 'WARNING');
    log.record('a', 'refused', { reason: 'a' }, 'WARNING');
    expect(lines.map((l) => l.fields.reason)).toEqual(['a', 'b']);
  });

  it('stays bounded under many keys: a forgotten key logs again at once', () => {
    const { log, lines } = recorder();
    for (let i = 0; i < 1500; i++) log.record(`k${i}`, 'refused', {}, 'WARNING');
    expect(lines).toHaveLength(1500);
    expect(log.record('k0', 'refused', {}, 'WARNING')).toBe(true);
    expect(log.record('k1499', 'refused', {}, 'WARNING')).toBe(false);
  });
});
