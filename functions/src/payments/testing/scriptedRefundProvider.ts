import type {
  ProviderRefund,
  RefundAnswer,
  RefundLookupAnswer,
  RefundProvider,
  RefundRequest,
} from '../refunds/refundProvider.js';

/** One scripted answer: the answer, or a function giving it (e.g. to let time pass or write to the ledger meanwhile). */
export type Scripted<A> = A | (() => A | Promise<A>);

/** One call a ScriptedRefundProvider received. */
export interface RefundCall {
  op: 'refund' | 'lookupRefund';
  paymentRef: string;
  req: RefundRequest;
  providerRefundId?: string | undefined;
  timeoutMs: number;
}

/**
 * A RefundProvider for unit tests of the refund decisions: answers refunds and
 * lookups from scripts, in order, and records every call. A call past the end
 * of its script fails the test loudly.
 */
export class ScriptedRefundProvider implements RefundProvider {
  readonly service = 'payment-service';
  readonly calls: RefundCall[] = [];

  constructor(
    private readonly refunds: Scripted<RefundAnswer>[] = [],
    private readonly lookups: Scripted<RefundLookupAnswer>[] = [],
  ) {}

  /** Calls of one kind. */
  count(op: RefundCall['op']): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  refund(paymentRef: string, req: RefundRequest, timeoutMs: number): Promise<RefundAnswer> {
    this.calls.push({ op: 'refund', paymentRef, req, timeoutMs });
    return next(this.refunds, 'refund');
  }

  lookupRefund(
    paymentRef: string,
    req: RefundRequest,
    providerRefundId: string | undefined,
    timeoutMs: number,
  ): Promise<RefundLookupAnswer> {
    this.calls.push({ op: 'lookupRefund', paymentRef, req, providerRefundId, timeoutMs });
    return next(this.lookups, 'lookupRefund');
  }
}

async function next<A>(script: Scripted<A>[], op: string): Promise<A> {
  const n = script.shift();
  if (n === undefined) throw new Error(`ScriptedRefundProvider: unexpected ${op}`);
  return typeof n === 'function' ? (n as () => A | Promise<A>)() : n;
}

/** The provider's refund of `req` (its amount and currency), as a `refund` answer's or lookup's body. */
export function providerRefundOf(
  req: Pick<RefundRequest, 'refundId' | 'amount' | 'currency'>,
  status: ProviderRefund['status'] = 'succeeded',
  providerRefundId = `rf_${req.refundId}`,
): ProviderRefund {
  return { providerRefundId, refundId: req.refundId, status, amount: req.amount, currency: req.currency };
}
