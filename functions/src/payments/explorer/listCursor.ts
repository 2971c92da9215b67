import type { ErrorCode } from '../../api/index.js';
import { AppError } from '../../resilience/appError.js';
import type { ListPosition, PaymentListQuery } from './paymentReader.js';

/** The filters a cursor is bound to: a page continues only the listing it came from. */
type Filters = Pick<PaymentListQuery, 'status' | 'uid' | 'from' | 'to'>;

const filterKey = (f: Filters) => JSON.stringify([f.status ?? null, f.uid ?? null, f.from ?? null, f.to ?? null]);

/**
 * `listPayments`' opaque cursor: the position of a page's last payment and the
 * filters it was listed with, as base64url JSON. Opaque to callers, so its
 * form may change; it holds nothing the caller did not send or receive.
 */
export function encodeCursor(position: ListPosition, filters: Filters): string {
  const json = JSON.stringify([position.createdAt, position.transactionId, filterKey(filters)]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The position a cursor continues from; INVALID_ARGUMENT when it is malformed or from a listing with other filters. */
export function decodeCursor(cursor: string, filters: Filters): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'number' ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string'
  ) {
    throw invalid('cursor: must be a nextCursor from listPayments');
  }
  if (parsed[2] !== filterKey(filters)) {
    throw invalid('cursor: comes from a listing with other filters; list again without it');
  }
  return { createdAt: parsed[0], transactionId: parsed[1] };
}

function invalid(problem: string): AppError<ErrorCode> {
  return new AppError<ErrorCode>('INVALID_ARGUMENT', `Invalid request: ${problem}`, {
    details: { problems: [problem] },
  });
}
