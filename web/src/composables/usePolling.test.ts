import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { ApiError } from '../api/errors';
import { advance, deferred, flushPromises, useFakeClock } from '../test/clock';
import { T0 } from '../test/fixtures';
import { usePolling, type Polling, type PollingOptions } from './usePolling';

/** Mounts a component that owns the polling, so unmounting disposes it as in the app. */
function host<T>(fetcher: () => Promise<T>, options: PollingOptions = {}) {
  let polling!: Polling<T>;
  const wrapper = mount(
    defineComponent({
      setup() {
        polling = usePolling(fetcher, options);
        return () => h('div');
      },
    }),
  );
  return { wrapper, polling };
}

beforeEach(useFakeClock);
afterEach(() => vi.useRealTimers());

describe('usePolling', () => {
  it('fetches at once, then every interval after the previous fetch settles', async () => {
    let n = 0;
    const fetcher = vi.fn(() => Promise.resolve(++n));
    const { polling } = host(fetcher, { intervalMs: 5000 });
    expect(polling.isLoading.value).toBe(true);
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(polling.data.value).toBe(1);
    expect(polling.updatedAt.value).toBe(T0);
    expect(polling.isLoading.value).toBe(false);

    await advance(4999);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(polling.data.value).toBe(2);
    await advance(5000);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('never overlaps fetches: a slow fetch delays the next one', async () => {
    const slow = deferred<number>();
    const fetcher = vi.fn().mockReturnValueOnce(slow.promise).mockResolvedValue(2);
    host(fetcher, { intervalMs: 1000 });
    await advance(10_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    slow.resolve(1);
    await flushPromises();
    await advance(1000);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('fetches again when refreshOn changes, paused or not, and drops the answer of a fetch sent before the change', async () => {
    const before = deferred<string>();
    const fetcher = vi.fn().mockReturnValueOnce(before.promise).mockResolvedValue('after');
    const changes = ref(0);
    const { polling } = host(fetcher, { intervalMs: 5000, paused: ref(true), refreshOn: changes });
    changes.value += 1;
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(2);
    before.resolve('before');
    await flushPromises();
    expect(polling.data.value).toBe('after');
    await advance(60_000);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('pauses and resumes (resume fetches at once)', async () => {
    const fetcher = vi.fn(() => Promise.resolve('x'));
    const { polling } = host(fetcher, { intervalMs: 1000 });
    await flushPromises();
    polling.pause();
    await advance(10_000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(polling.isPaused.value).toBe(true);

    polling.resume();
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(2);
    await advance(1000);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('follows a shared pause flag and a changed interval', async () => {
    const paused = ref(false);
    const intervalMs = ref(1000);
    const fetcher = vi.fn(() => Promise.resolve(1));
    host(fetcher, { intervalMs, paused });
    await flushPromises();
    paused.value = true;
    await advance(5000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    intervalMs.value = 3000;
    paused.value = false;
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(2);
    await advance(2999);
    expect(fetcher).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it('clears every timer on unmount and ignores a fetch still in flight', async () => {
    const pending = deferred<number>();
    const fetcher = vi.fn().mockResolvedValueOnce(1).mockReturnValueOnce(pending.promise);
    const { wrapper, polling } = host(fetcher, { intervalMs: 1000 });
    await advance(1000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    wrapper.unmount();
    expect(vi.getTimerCount()).toBe(0);
    pending.resolve(99);
    await advance(10_000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(polling.data.value).toBe(1);
  });

  it('keeps the last data on failure, shows the error, and marks the data stale after two intervals', async () => {
    const fetcher = vi
      .fn()
      .mockResolvedValueOnce('ok')
      .mockRejectedValue({ code: 'functions/unavailable', message: 'down', details: { retryAfterMs: 500 } });
    const { polling } = host(fetcher, { intervalMs: 1000 });
    await flushPromises();
    await advance(1000);
    expect(polling.data.value).toBe('ok');
    expect(polling.error.value).toBeInstanceOf(ApiError);
    expect(polling.error.value).toMatchObject({ code: 'unavailable', message: 'down', details: { retryAfterMs: 500 } });
    expect(polling.isStale.value).toBe(false);
    await advance(1000);
    // now - updatedAt = 2000: exactly two intervals is not yet stale.
    expect(polling.isStale.value).toBe(false);
    await advance(1000);
    expect(polling.isStale.value).toBe(true);

    fetcher.mockResolvedValue('back');
    await polling.refresh();
    expect(polling.error.value).toBeNull();
    expect(polling.isStale.value).toBe(false);
  });

  it('applies only the newest result when fetches race', async () => {
    const first = deferred<string>();
    const fetcher = vi.fn().mockReturnValueOnce(first.promise);
    const { polling } = host(fetcher, { intervalMs: 1000 });
    await polling.refresh(() => Promise.resolve('newer'));
    first.resolve('older');
    await flushPromises();
    expect(polling.data.value).toBe('newer');
  });

  it('uses an override fetcher for one refresh', async () => {
    const fetcher = vi.fn(() => Promise.resolve('normal'));
    const { polling } = host(fetcher, { intervalMs: 1000 });
    await flushPromises();
    await polling.refresh(() => Promise.resolve('checked'));
    expect(polling.data.value).toBe('checked');
    await advance(1000);
    expect(polling.data.value).toBe('normal');
  });
});
