import { effectScope } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runReconciliation } from '../api/ledger';
import { deferred, flushPromises } from '../test/clock';
import { reconcileReport } from '../test/fixtures';
import { useReconciliation } from './useReconciliation';

vi.mock('../api/ledger', () => ({ runReconciliation: vi.fn() }));
const reconcile = vi.mocked(runReconciliation);

/** The composable inside its own scope (as a component's setup would own it), with a pass that settles on demand. */
function start() {
  const pass = deferred<ReturnType<typeof reconcileReport>>();
  reconcile.mockReturnValue(pass.promise);
  const afterRun = vi.fn(() => Promise.resolve());
  const scope = effectScope();
  const state = scope.run(() => useReconciliation(afterRun))!;
  return { pass, afterRun, scope, state };
}

beforeEach(() => vi.resetAllMocks());

describe('useReconciliation', () => {
  it('runs one pass at a time even when asked twice', async () => {
    const { pass, afterRun, scope, state } = start();
    void state.run();
    void state.run();
    expect(reconcile).toHaveBeenCalledTimes(1);
    pass.resolve(reconcileReport());
    await flushPromises();
    expect(state.data.value).toEqual(reconcileReport());
    expect(state.isLoading.value).toBe(false);
    expect(afterRun).toHaveBeenCalledTimes(1);
    scope.stop();
  });

  it('applies nothing and refreshes nothing once its owner is gone', async () => {
    const { pass, afterRun, scope, state } = start();
    void state.run();
    scope.stop();
    pass.resolve(reconcileReport());
    await flushPromises();
    expect(afterRun).not.toHaveBeenCalled();
    expect(state.data.value).toBeNull();
  });
});
