import { ListPaymentsRequest, type ListPaymentsResult } from '../api/index.js';
import { explorerOf } from '../app/explorerRuntime.js';
import { listPayments as listLedger } from '../payments/explorer/explorer.js';
import { Access, defineCallable } from '../lifecycle/defineCallable.js';
import { parsePayload } from './validate.js';

/**
 * `listPayments` (admins only): `{ status?, uid?, from?, to?, limit?, cursor? }`
 * -> `{ payments, nextCursor }`, newest first (payments/explorer/explorer.ts).
 * A bad filter or cursor -> `invalid-argument`.
 */
export const listPayments = defineCallable(
  'listPayments',
  Access.admin,
  (data, _caller, rt): Promise<ListPaymentsResult> =>
    listLedger(explorerOf(rt), parsePayload(ListPaymentsRequest, data)),
);
