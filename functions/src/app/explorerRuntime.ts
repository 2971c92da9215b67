import type { ExplorerDeps } from '../payments/explorer/explorer.js';
import { FirestorePaymentReader } from '../payments/explorer/firestorePaymentReader.js';
import { ISO_4217_MONEY } from '../payments/iso4217.js';
import { STRIPE_MONEY } from '../payments/provider/stripeCurrencies.js';
import { FirestoreRefundSeals } from '../payments/refunds/firestoreRefundSeals.js';
import { sealKeyValue } from '../access/sealKey.js';
import type { Runtime } from './runtime.js';

const built = new WeakMap<object, ExplorerDeps>();

/**
 * The payments explorer's reads (`getPayment`, `listPayments`) over the
 * runtime's ledgers, built once per runtime: in the configured provider's
 * minor units, without building the provider (these callables mount no
 * provider key). No writes, and no payment path uses them. An admin's
 * getPayment also gets the refund seal when SEAL_KEY is mounted.
 */
export function explorerOf(rt: Pick<Runtime, 'cfg' | 'ledger' | 'refundLedger' | 'runQuery'>): ExplorerDeps {
  let deps = built.get(rt);
  if (!deps) {
    deps = {
      ledger: rt.ledger,
      reader: new FirestorePaymentReader(rt.runQuery),
      refunds: rt.refundLedger,
      money: rt.cfg.PAYMENT_PROVIDER === 'stripe' ? STRIPE_MONEY : ISO_4217_MONEY,
      refundSeals: new FirestoreRefundSeals(rt.runQuery, sealKeyValue),
    };
    built.set(rt, deps);
  }
  return deps;
}
