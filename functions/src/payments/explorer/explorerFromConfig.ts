import type { Config } from '../../config/index.js';
import type { RunQuery } from '../../resilience/query/runQuery.js';
import { ISO_4217_MONEY } from '../iso4217.js';
import type { PaymentLedger } from '../ledger/paymentLedger.js';
import { STRIPE_MONEY } from '../provider/stripeCurrencies.js';
import type { ExplorerDeps } from './explorer.js';
import { FirestorePaymentReader } from './firestorePaymentReader.js';

/**
 * The explorer's reads over the deployment's ledger, in the configured
 * provider's minor units, without building the provider: getPayment and
 * listPayments mount no provider key.
 */
export function explorerFromConfig(
  cfg: Pick<Config, 'PAYMENT_PROVIDER'>,
  ledger: PaymentLedger,
  runQuery: RunQuery,
): ExplorerDeps {
  return {
    ledger,
    reader: new FirestorePaymentReader(runQuery),
    // No refund ledger adapter exists yet (issue 22 lands FirestoreRefundLedger), so no refund is recorded anywhere.
    refunds: { listRefunds: () => Promise.resolve([]) },
    money: cfg.PAYMENT_PROVIDER === 'stripe' ? STRIPE_MONEY : ISO_4217_MONEY,
  };
}
