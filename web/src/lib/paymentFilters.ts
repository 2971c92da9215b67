import { LIST_PAYMENTS_LIMIT, type ListPaymentsRequest, type PaymentStatus } from '../api/types';

/** The explorer's filter form as typed: times are `datetime-local` text in the browser's zone, '' = none. */
export type PaymentFilters = {
  status: PaymentStatus | '';
  uid: string;
  from: string;
  to: string;
  limit: number;
};

/** No filter, the backend's default page size. */
export function emptyFilters(): PaymentFilters {
  return { status: '', uid: '', from: '', to: '', limit: LIST_PAYMENTS_LIMIT.default };
}

/** Epoch ms of a `datetime-local` value (local time), or undefined when empty or not a time. */
function epochOf(local: string): number | undefined {
  if (local.trim() === '') return undefined;
  const at = new Date(local).getTime();
  return Number.isNaN(at) ? undefined : at;
}

/** Why the filters cannot be sent, in words, or null. */
export function filtersProblem(f: PaymentFilters): string | null {
  const from = epochOf(f.from);
  const to = epochOf(f.to);
  if (from !== undefined && to !== undefined && from >= to) return '"To" must be after "From".';
  return null;
}

/** The `listPayments` request of the filters (without a cursor); absent filters are left out. */
export function listRequestOf(f: PaymentFilters): ListPaymentsRequest {
  const from = epochOf(f.from);
  const to = epochOf(f.to);
  const uid = f.uid.trim();
  return {
    ...(f.status ? { status: f.status } : {}),
    ...(uid ? { uid } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    limit: f.limit,
  };
}
