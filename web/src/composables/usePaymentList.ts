import { computed, getCurrentScope, onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { listPayments } from '../api/explorer';
import type { ListPaymentsRequest, ListPaymentsResult } from '../api/types';

/**
 * One page of `listPayments` for `request` (re-listed from the first page
 * whenever it changes; null lists nothing), with Next and Previous: the
 * cursors of the pages visited are kept, so Previous re-reads the page before.
 * Only the newest fetch's answer is applied; after the owning component
 * unmounts, nothing is.
 */
export function usePaymentList(
  request: MaybeRefOrGetter<ListPaymentsRequest | null>,
  fetcher: (r: ListPaymentsRequest) => Promise<ListPaymentsResult> = listPayments,
) {
  const data = ref<ListPaymentsResult | null>(null);
  const error = ref<ApiError | null>(null);
  const isLoading = ref(false);
  /** The cursor of each page visited, the first page's null; the last is the page shown. */
  const cursors = ref<(string | null)[]>([null]);
  let sequence = 0;
  let disposed = false;

  async function load(): Promise<void> {
    const req = toValue(request);
    const mine = ++sequence;
    if (!req) {
      data.value = null;
      return;
    }
    isLoading.value = true;
    const cursor = cursors.value.at(-1) ?? null;
    try {
      const page = await fetcher(cursor ? { ...req, cursor } : req);
      if (disposed || mine !== sequence) return;
      data.value = page;
      error.value = null;
    } catch (err) {
      if (disposed || mine !== sequence) return;
      error.value = toApiError(err);
    } finally {
      if (!disposed && mine === sequence) isLoading.value = false;
    }
  }

  async function next(): Promise<void> {
    const cursor = data.value?.nextCursor;
    if (!cursor || isLoading.value) return;
    cursors.value = [...cursors.value, cursor];
    await load();
  }

  async function previous(): Promise<void> {
    if (cursors.value.length < 2 || isLoading.value) return;
    cursors.value = cursors.value.slice(0, -1);
    await load();
  }

  watch(
    () => JSON.stringify(toValue(request)),
    () => {
      cursors.value = [null];
      void load();
    },
    { immediate: true },
  );
  if (getCurrentScope()) onScopeDispose(() => (disposed = true));

  return {
    data,
    error,
    isLoading,
    /** Reads the page shown again. */
    refresh: load,
    next,
    previous,
    /** 1 for the first page. */
    page: computed(() => cursors.value.length),
    hasNext: computed(() => Boolean(data.value?.nextCursor)),
    hasPrevious: computed(() => cursors.value.length > 1),
  };
}
