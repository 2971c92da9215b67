// Finds fixed sleeps longer than MAX_SLEEP_MS in the emulator tests: a test
// waits for the condition it needs (vi.waitFor), not for a guessed duration.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The longest fixed pause a test may take. */
export const MAX_SLEEP_MS = 500;

const NUMBER = String.raw`\d[\d_]*`;
const CONSTANT = String.raw`[A-Z][A-Z0-9_]*`;
const ARG = `(${NUMBER}|${CONSTANT})`;
/** `setTimeout(fn, ms)` and `sleep(ms)` / `delay(ms)` / `pause(ms)` with a literal or a named constant. */
const CALLS = [
  new RegExp(String.raw`setTimeout\([^;]*?,\s*${ARG}\s*\)`, 'g'),
  new RegExp(String.raw`\b(?:sleep|delay|pause)\(\s*${ARG}\s*\)`, 'g'),
];
const CONSTANT_DEF = new RegExp(String.raw`\bconst\s+(${CONSTANT})\s*=\s*(${NUMBER})\s*;`, 'g');

const value = (text: string) => Number(text.replaceAll('_', ''));

/** Each fixed sleep over MAX_SLEEP_MS in `source`, as `line: call (ms)`. */
export function fixedSleeps(source: string): string[] {
  const constants = new Map([...source.matchAll(CONSTANT_DEF)].map((m) => [m[1]!, value(m[2]!)]));
  const found: { at: number; text: string }[] = [];
  for (const pattern of CALLS) {
    for (const m of source.matchAll(pattern)) {
      const arg = m[1]!;
      const ms = /^\d/.test(arg) ? value(arg) : constants.get(arg);
      if (ms !== undefined && ms > MAX_SLEEP_MS) found.push({ at: m.index, text: `${m[0]} (${ms} ms)` });
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ at, text }) => `${source.slice(0, at).split('\n').length}: ${text}`);
}

/** Fixed sleeps over MAX_SLEEP_MS in every source file under `dir`, as `path:line: call (ms)`. */
export function fixedSleepsUnder(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mts|mjs|js)$/.test(f));
  return files.flatMap((f) =>
    fixedSleeps(readFileSync(join(dir, f), 'utf8')).map((hit) => `${relative(dir, join(dir, f))}:${hit}`),
  );
}
