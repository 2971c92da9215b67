import { getCurrentScope, onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { getPayment } from '../api/explorer';
import type { AdminPaymentDetail } from '../api/types';

/**
 * One payment as an admin sees it (`getPayment`): read again whenever
 * `transactionId` changes (null shows none) and on `refresh()`. Only the
 * newest fetch's answer is applied; after the owning component unmounts,
 * nothing is.
 */
export function usePayment(
  transactionId: MaybeRefOrGetter<string | null>,
  fetcher: (id: string) => Promise<AdminPaymentDetail> = getPayment,
) {
  const data = ref<AdminPaymentDetail | null>(null);
  const error = ref<ApiError | null>(null);
  const isLoading = ref(false);
  let sequence = 0;
  let disposed = false;

  async function refresh(): Promise<void> {
    const id = toValue(transactionId);
    const mine = ++sequence;
    if (!id) {
      data.value = null;
      error.value = null;
      return;
    }
    isLoading.value = true;
    try {
      const detail = await fetcher(id);
      if (disposed || mine !== sequence) return;
      data.value = detail;
      error.value = null;
    } catch (err) {
      if (disposed || mine !== sequence) return;
      data.value = null;
      error.value = toApiError(err);
    } finally {
      if (!disposed && mine === sequence) isLoading.value = false;
    }
  }

  watch(
    () => toValue(transactionId),
    () => {
      // Another payment: the last one's detail is not shown while this one loads.
      data.value = null;
      void refresh();
    },
    { immediate: true },
  );
  if (getCurrentScope()) onScopeDispose(() => (disposed = true));
  return { data, error, isLoading, refresh };
}
