/** Major-unit amounts as the callables answer them, in exact decimal arithmetic for the explorer's sums. */

/** Decimal places of a major-unit amount as the backend wrote it (25.99 -> 2, 100 -> 0). */
function decimals(amount: number): number {
  const m = /\.(\d+)$/.exec(String(amount));
  return m ? m[1]!.length : 0;
}

/**
 * `total` minus each of `parts`, exactly (no float drift: 25.99 - 10 - 5.99 is 10, not 9.999999999999998),
 * never below zero: what is left of a payment to refund.
 */
export function remainingAmount(total: number, ...parts: number[]): number {
  const digits = Math.max(decimals(total), ...parts.map(decimals));
  const scale = 10 ** digits;
  const left = Math.round(total * scale) - parts.reduce((sum, p) => sum + Math.round(p * scale), 0);
  return Math.max(0, left) / scale;
}

/** "25.99 USD". */
export function formatMoney(amount: number, currency: string): string {
  return `${amount} ${currency}`;
}
