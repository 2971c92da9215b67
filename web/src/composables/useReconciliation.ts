import { getCurrentScope, onScopeDispose, ref } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { runReconciliation } from '../api/ledger';
import type { ReconcileReport } from '../api/types';

/**
 * The "Reconcile now" action: one runReconciliation pass at a time, then
 * `afterRun` (the panel refreshes its stats, so the counters show what the
 * pass settled). `data` is the pass's report, `error` why it failed; a new run
 * clears both. Once the owning component unmounts, a pass still in flight
 * changes nothing and triggers no refresh.
 */
export function useReconciliation(afterRun: () => Promise<void>) {
  const data = ref<ReconcileReport | null>(null);
  const error = ref<ApiError | null>(null);
  const isLoading = ref(false);
  let disposed = false;

  async function run(): Promise<void> {
    if (isLoading.value) return;
    isLoading.value = true;
    data.value = null;
    error.value = null;
    try {
      const report = await runReconciliation();
      if (disposed) return;
      data.value = report;
      await afterRun();
    } catch (err) {
      if (!disposed) error.value = toApiError(err);
    } finally {
      isLoading.value = false;
    }
  }

  if (getCurrentScope()) onScopeDispose(() => (disposed = true));
  return { data, error, isLoading, run };
}
