/**
 * Captures what the structured logger writes during each test of a file, so
 * tests can read the events a piece of code logged.
 */
import { afterEach, beforeEach } from 'vitest';
import { addLogSink, type StructuredEvent } from '../logs/logger.js';

/** Call at the top of a test file (or describe): the returned list holds the current test's events, oldest first. */
export function useLogCapture(): StructuredEvent[] {
  const logged: StructuredEvent[] = [];
  let detach: () => void = () => undefined;
  beforeEach(() => {
    logged.length = 0;
    detach = addLogSink((e) => logged.push(e));
  });
  afterEach(() => detach());
  return logged;
}
