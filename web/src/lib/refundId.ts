import { REFUND_ID_PATTERN } from '../api/types';

/** A fresh refundId shaped `rf_<epoch ms>_<8 random base-36 chars>`; it always passes the backend's rule. */
export function newRefundId(now: number = Date.now()): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint32Array(2));
  const random = (a.toString(36) + b.toString(36)).padStart(8, '0').slice(-8);
  const id = `rf_${now}_${random}`;
  if (!REFUND_ID_PATTERN.test(id)) throw new Error(`refundId ${id} breaks the backend's rule`);
  return id;
}
