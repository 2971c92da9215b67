/**
 * What processPayment does with sealed reads of its caller's limits (the
 * payload's and the answer's `seal`, api/payments.ts); ledger/limitSeals.ts
 * implements it over FirestoreLedger's copies.
 */
export interface PaymentSeals {
  /** Lets the ledger start from the copy of `uid`'s limits sealed in `token`; a seal that does not open changes nothing. */
  open(uid: string, token: string): void;
  /** A seal of `uid`'s limits as this instance last wrote or read them; undefined when it has none to give. */
  issue(uid: string): string | undefined;
}
