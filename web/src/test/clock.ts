/** Test helpers: a fake clock that leaves setImmediate real, so flushPromises keeps working. */
import { flushPromises } from '@vue/test-utils';
import { vi } from 'vitest';
import { T0 } from './fixtures';

/** Fakes timers, Date and performance.now, starting at T0. */
export function useFakeClock(): void {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    now: T0,
  });
}

/** Advances the fake clock and lets the promises it released settle. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flushPromises();
}

/** A promise with its resolve/reject exposed, to control when a mocked call settles. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export { flushPromises };
