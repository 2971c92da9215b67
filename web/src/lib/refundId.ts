import { REFUND_ID_PATTERN } from '../api/types';

/**
 * A fresh refundId shaped `rf_<epoch ms in base 36>_<8 random base-36 chars>`; it always passes the backend's
 * rule, and holds no decimal run the logs could mask as a card number (see newTransactionId).
 */
export function newRefundId(now: number = Date.now()): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint32Array(2));
  const random = (a.toString(36) + b.toString(36)).padStart(8, '0').slice(-8);
  const id = `rf_${now.toString(36)}_${random}`;
  if (!REFUND_ID_PATTERN.test(id)) throw new Error(`refundId ${id} breaks the backend's rule`);
  return id;
}
