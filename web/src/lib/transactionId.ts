/** A fresh idempotency key shaped `txn_<epoch ms>_<8 random base-36 chars>`. */
export function newTransactionId(now: number = Date.now()): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint32Array(2));
  const random = (a.toString(36) + b.toString(36)).padStart(8, '0').slice(-8);
  return `txn_${now}_${random}`;
}
