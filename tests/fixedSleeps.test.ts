import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedSleeps, fixedSleepsUnder } from './fixedSleeps.ts';

describe('fixedSleeps', () => {
  it('finds setTimeout and sleep-like pauses over 500 ms, literal or named', () => {
    const source = [
      'const PAST_TTL_MS = 2_300;',
      'await new Promise((r) => setTimeout(r, 1100));',
      'await sleep(PAST_TTL_MS);',
      'await delay(501);',
      'setTimeout(() => done(), 5000);',
    ].join('\n');
    expect(fixedSleeps(source)).toEqual([
      '2: setTimeout(r, 1100) (1100 ms)',
      '3: sleep(PAST_TTL_MS) (2300 ms)',
      '4: delay(501) (501 ms)',
      '5: setTimeout(() => done(), 5000) (5000 ms)',
    ]);
  });

  it('lets short pauses, poll intervals and unknown names through', () => {
    const source = [
      'await new Promise((r) => setTimeout(r, 100));',
      'await sleep(500);',
      'await vi.waitFor(check, { timeout: 20_000, interval: 500 });',
      'await sleep(ms);',
      'await sleep(UNKNOWN_MS);',
    ].join('\n');
    expect(fixedSleeps(source)).toEqual([]);
  });
});

describe('the emulator tests', () => {
  it.each(['integration', 'integration-stripe', 'e2e'])('in tests/%s take no fixed sleep over 500 ms', (dir) => {
    expect(fixedSleepsUnder(fileURLToPath(new URL(dir, import.meta.url)))).toEqual([]);
  });
});
