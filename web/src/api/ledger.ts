import { call } from './callables';
import type { ReconcileReport } from './types';

/** Runs one reconciliation pass now (admins only, no payload) and answers what it settled. @throws ApiError */
export function runReconciliation(): Promise<ReconcileReport> {
  return call<ReconcileReport>('runReconciliation');
}
