import {
  LIST_PAYMENTS_LIMIT,
  type GetPaymentResult,
  type ListPaymentsRequest,
  type ListPaymentsResult,
} from '../../api/index.js';
import type { CancelCaller, PaymentLedger } from '../ledger/paymentLedger.js';
import { PaymentForbiddenError, PaymentNotFoundError } from '../paymentErrors.js';
import type { ProviderMoney } from '../provider/providerMoney.js';
import { decodeCursor, encodeCursor } from './listCursor.js';
import type { RefundLedger } from '../refunds/refundLedger.js';
import type { RefundSealReader, SealedPaymentRead } from '../refunds/refundSeal.js';
import type { PaymentReader } from './paymentReader.js';
import { paymentInternals, paymentView, refundView } from './paymentView.js';

/**
 * The payments explorer's reads (`getPayment`, `listPayments`) through the
 * ledger's ports. Nothing here writes, and no payment path calls it.
 */
export interface ExplorerDeps {
  ledger: Pick<PaymentLedger, 'get' | 'listEvents'>;
  reader: PaymentReader;
  refunds: Pick<RefundLedger, 'listRefunds'>;
  /** The configured provider's minor units, to answer amounts in major units as processPayment does. */
  money: Pick<ProviderMoney, 'minorDigits'>;
  /** Reads an admin's payment with its refund seal (same round trips as `ledger.get`); no seals when absent. */
  refundSeals?: RefundSealReader;
}

/** Who asks: an admin sees any payment and its internals; anyone else only their own payments. */
export type ExplorerCaller = CancelCaller;

/**
 * One payment for `caller`: an admin gets the view, its refunds, the
 * ledger's internals and the history; the payment's owner the view and its
 * refunds. The record, its refunds and its history are read at once (one
 * round trip). An admin's read also brings the refund seal
 * (`refundSeal`, refunds/refundSeal.ts) when `refundSeals` is wired: the
 * payment is then read with the admin's limits in the same round trip.
 * Throws PAYMENT_NOT_FOUND for an unknown id and PAYMENT_FORBIDDEN for
 * another user's payment.
 */
export async function getPayment(
  deps: ExplorerDeps,
  transactionId: string,
  caller: ExplorerCaller,
): Promise<GetPaymentResult> {
  const sealer = caller.admin ? deps.refundSeals : undefined;
  const read = (): Promise<SealedPaymentRead> =>
    sealer
      ? sealer.readWithSeal(transactionId, caller.uid)
      : deps.ledger.get(transactionId).then((record) => ({ record, refundSeal: null }));
  const [{ record, refundSeal }, refundRecords, events] = await Promise.all([
    read(),
    deps.refunds.listRefunds(transactionId),
    caller.admin ? deps.ledger.listEvents(transactionId) : [],
  ]);
  if (!record) throw new PaymentNotFoundError(transactionId);
  if (!caller.admin && record.uid !== caller.uid) throw new PaymentForbiddenError(transactionId);
  const payment = paymentView(transactionId, record, deps.money);
  const refunds = refundRecords.map((r) => refundView(r, deps.money));
  if (!caller.admin) return { payment, refunds };
  return {
    payment,
    refunds,
    internals: paymentInternals(record),
    events,
    ...(refundSeal === null ? {} : { refundSeal }),
  };
}

/**
 * One page of payments, newest first, under the request's filters; `nextCursor`
 * continues after its last payment, null on the last page. One more payment
 * than the page is read to tell whether another page exists, so a last page
 * never points at an empty one.
 */
export async function listPayments(deps: ExplorerDeps, req: ListPaymentsRequest): Promise<ListPaymentsResult> {
  const limit = req.limit ?? LIST_PAYMENTS_LIMIT.default;
  const filters = { status: req.status, uid: req.uid, from: req.from, to: req.to };
  const after = req.cursor === undefined ? undefined : decodeCursor(req.cursor, filters);
  const rows = await deps.reader.list({ ...filters, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor({ createdAt: last.record.createdAt, transactionId: last.transactionId }, filters)
      : null;
  return { payments: page.map((r) => paymentView(r.transactionId, r.record, deps.money)), nextCursor };
}
