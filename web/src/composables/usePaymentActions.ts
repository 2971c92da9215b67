import { getCurrentScope, onScopeDispose, ref } from 'vue';
import { toApiError, type ApiError } from '../api/errors';
import { cancelPayment } from '../api/payments';
import { refundPayment } from '../api/refunds';
import type { RefundPaymentResult, RefundReason } from '../api/types';
import { newRefundId } from '../lib/refundId';

/** What the admin asked to refund. `amount` in major units. */
export type RefundAsk = { amount: number; reason: RefundReason };

/** Errors after which the refund may have happened: retrying must repeat its refundId (a replay, never a second refund). */
const ANSWER_LOST = ['deadline-exceeded', 'aborted', 'internal', 'unavailable', 'unknown'];

/**
 * The explorer's actions on one payment: Refund (`refundPayment`) and Cancel
 * (`cancelPayment`), one at a time each, then `afterChange` (the detail is read
 * again, so its refunds and history show what the action did). A refund's
 * refundId is chosen here; when its answer was lost, asking for the same
 * refund again repeats the refundId, so it is replayed rather than made twice.
 * `refundSeal` gives the `refundSeal` of the getPayment answer shown for that
 * payment, if any: passed along, it saves the refund a server read (a stale or
 * missing one only costs that read).
 */
export function usePaymentActions(
  transactionId: () => string,
  afterChange: () => Promise<void>,
  refundSeal: (transactionId: string) => string | undefined = () => undefined,
) {
  const refunding = ref(false);
  const refundError = ref<ApiError | null>(null);
  const refunded = ref<RefundPaymentResult | null>(null);
  const canceling = ref(false);
  const cancelError = ref<ApiError | null>(null);
  let unanswered: (RefundAsk & { transactionId: string; refundId: string }) | null = null;
  let disposed = false;

  async function refund(ask: RefundAsk): Promise<void> {
    if (refunding.value) return;
    const id = transactionId();
    const same =
      unanswered?.transactionId === id && unanswered.amount === ask.amount && unanswered.reason === ask.reason;
    const refundId = same && unanswered ? unanswered.refundId : newRefundId();
    refunding.value = true;
    refundError.value = null;
    refunded.value = null;
    try {
      const seal = refundSeal(id);
      const result = await refundPayment({
        transactionId: id,
        refundId,
        amount: ask.amount,
        reason: ask.reason,
        ...(seal === undefined ? {} : { seal }),
      });
      unanswered = null;
      if (disposed) return;
      refunded.value = result;
      await afterChange();
    } catch (err) {
      const error = toApiError(err);
      unanswered = ANSWER_LOST.includes(error.code) ? { ...ask, transactionId: id, refundId } : null;
      if (!disposed) refundError.value = error;
    } finally {
      refunding.value = false;
    }
  }

  async function cancel(): Promise<void> {
    if (canceling.value) return;
    canceling.value = true;
    cancelError.value = null;
    try {
      await cancelPayment({ transactionId: transactionId() });
      if (!disposed) await afterChange();
    } catch (err) {
      if (!disposed) cancelError.value = toApiError(err);
    } finally {
      canceling.value = false;
    }
  }

  if (getCurrentScope()) onScopeDispose(() => (disposed = true));
  return { refund, refunding, refundError, refunded, cancel, canceling, cancelError };
}
