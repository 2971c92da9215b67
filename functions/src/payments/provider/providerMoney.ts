/**
 * How a provider reads money, so the domain converts and checks an amount once,
 * before anything is written or sent: the amount of a PaymentRequest is in the
 * provider's own minor units (the generic contract: ISO 4217; Stripe: its
 * table), so the ledger and the provider's records hold the same number.
 */
export interface ProviderMoney {
  /** Currencies the provider accepts (ISO 4217, upper case). */
  readonly currencies: ReadonlySet<string>;
  /** Minor-unit digits of the provider's amounts in `currency` (one of {@link currencies}). */
  minorDigits(currency: string): number;
  /** The rule the provider would refuse `amount` (its minor units) in `currency` by, in words; null when it takes it. */
  refusal(amount: number, currency: string): string | null;
}
