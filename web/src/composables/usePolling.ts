import {
  computed,
  getCurrentScope,
  onScopeDispose,
  ref,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
  type Ref,
} from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { DEFAULT_INTERVAL_MS } from './useRefreshControl';

/** Options of usePolling. */
export type PollingOptions = {
  /** Milliseconds between the end of one fetch and the start of the next. */
  intervalMs?: MaybeRefOrGetter<number>;
  /** Shared pause flag (e.g. the page-wide control); a private one is used when absent. */
  paused?: Ref<boolean>;
  /** How often `now` ticks, so "updated 3 s ago" and staleness stay current. */
  tickMs?: number;
  /**
   * Fetches again whenever this changes (the page changed what the resource shows): a fetch already
   * in flight may have been answered before the change, so its result is dropped for the new one.
   */
  refreshOn?: Ref<number>;
};

/** Reactive state and controls of a polled resource. */
export type Polling<T> = {
  /** Last successful result; kept when a later fetch fails. */
  data: Ref<T | null>;
  /** Error of the last fetch, cleared by the next success. */
  error: Ref<ApiError | null>;
  isLoading: Ref<boolean>;
  /** Epoch ms of the last successful fetch. */
  updatedAt: Ref<number | null>;
  /** Ticking clock (epoch ms). */
  now: Ref<number>;
  /** Derived: data is older than two intervals. */
  isStale: ComputedRef<boolean>;
  isPaused: Ref<boolean>;
  /** Fetches now (with `fetcher` instead of the usual one, e.g. with a health check) and restarts the interval. */
  refresh: (fetcher?: () => Promise<T>) => Promise<void>;
  pause: () => void;
  resume: () => void;
};

/**
 * Fetches immediately, then again `intervalMs` after each fetch settles (a
 * timeout chain, so slow fetches never overlap). Only the newest fetch's result
 * is applied. Call it from setup (or an effect scope): every timer is cleared
 * when the owning component unmounts.
 */
export function usePolling<T>(fetcher: () => Promise<T>, options: PollingOptions = {}): Polling<T> {
  const data = ref<T | null>(null) as Ref<T | null>;
  const error = ref<ApiError | null>(null);
  const isLoading = ref(false);
  const updatedAt = ref<number | null>(null);
  const now = ref(Date.now());
  const isPaused = options.paused ?? ref(false);
  const intervalMs = computed(() => toValue(options.intervalMs) ?? DEFAULT_INTERVAL_MS);
  const isStale = computed(() => updatedAt.value !== null && now.value - updatedAt.value > 2 * intervalMs.value);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let sequence = 0;
  let disposed = false;
  const ticker = setInterval(() => (now.value = Date.now()), options.tickMs ?? 1000);

  function clearTimer(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  function schedule(): void {
    clearTimer();
    if (!disposed && !isPaused.value) timer = setTimeout(() => void refresh(), intervalMs.value);
  }

  async function refresh(override?: () => Promise<T>): Promise<void> {
    if (disposed) return;
    clearTimer();
    const mine = ++sequence;
    isLoading.value = true;
    try {
      const result = await (override ?? fetcher)();
      if (disposed || mine !== sequence) return;
      data.value = result;
      error.value = null;
      updatedAt.value = now.value = Date.now();
    } catch (err) {
      if (disposed || mine !== sequence) return;
      error.value = toApiError(err);
    } finally {
      // A newer fetch owns the loading flag and the next timer.
      if (!disposed && mine === sequence) {
        isLoading.value = false;
        schedule();
      }
    }
  }

  function dispose(): void {
    disposed = true;
    clearTimer();
    clearInterval(ticker);
  }

  watch(isPaused, (paused) => (paused ? clearTimer() : void refresh()));
  if (options.refreshOn) watch(options.refreshOn, () => void refresh());
  watch(intervalMs, () => {
    if (!isLoading.value) schedule();
  });
  if (getCurrentScope()) onScopeDispose(dispose);
  void refresh();

  return {
    data,
    error,
    isLoading,
    updatedAt,
    now,
    isStale,
    isPaused,
    refresh,
    pause: () => void (isPaused.value = true),
    resume: () => void (isPaused.value = false),
  };
}
