/** Test helpers for mounted components: finding elements by test id, and the hooks every component test file runs. */
import { enableAutoUnmount, type mount } from '@vue/test-utils';
import { afterEach, beforeEach, vi } from 'vitest';
import { useFakeClock } from './clock';

/** The element of `w` whose data-testid is `id`. */
export const byId = (w: ReturnType<typeof mount>, id: string) => w.find(`[data-testid="${id}"]`);

/**
 * Registers a component test file's hooks: before each test the fake clock
 * (from T0) and then `reset` (the file's mocks); after each, real timers again
 * and every mounted component unmounted.
 */
export function useComponentTest(reset: () => void): void {
  enableAutoUnmount(afterEach);
  beforeEach(() => {
    useFakeClock();
    reset();
  });
  afterEach(() => vi.useRealTimers());
}
