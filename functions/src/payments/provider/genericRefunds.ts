import type { AxiosResponse } from 'axios';
import type {
  ProviderRefund,
  RefundAnswer,
  RefundLookupAnswer,
  RefundProvider,
  RefundRequest,
} from '../refunds/refundProvider.js';
import type { EndpointAt } from './endpointRoutes.js';
import {
  errorCodeOf,
  localTimeout,
  mayHaveReached,
  NOT_FOUND_CODE,
  otherAnswerOf,
  reasonOf,
} from './genericAnswers.js';
import type { GenericChannel } from './genericChannel.js';
import { PAYMENT_SERVICE } from './paymentProvider.js';

/** Parses a refund object of the contract (docs/payment-provider.md), or null when it is not one. */
export function parseRefund(body: unknown): ProviderRefund | null {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || typeof b.id !== 'string') return null;
  const { status, amount, currency } = b;
  if (status !== 'succeeded' && status !== 'pending' && status !== 'failed') return null;
  // A refund object that does not say what it refunded proves nothing about this refund's money.
  if (typeof amount !== 'number' || typeof currency !== 'string') return null;
  return {
    providerRefundId: b.id,
    ...(typeof b.refundId === 'string' ? { refundId: b.refundId } : {}),
    status,
    amount,
    currency,
    ...(status === 'failed' ? { failureReason: typeof b.failureReason === 'string' ? b.failureReason : 'failed' } : {}),
  };
}

/** What one endpoint's answer to `GET /refund/<refundId>` says. */
export function refundLookupOf(res: AxiosResponse): RefundLookupAnswer {
  // Only the contract's own "no such refund" proves nothing was refunded; a gateway's 404 proves nothing.
  if (res.status === 404) {
    return errorCodeOf(res.data) === NOT_FOUND_CODE
      ? { kind: 'not-found' }
      : { kind: 'unavailable', reason: "HTTP 404 without the contract's NOT_FOUND" };
  }
  const refund = res.status === 200 ? parseRefund(res.data) : null;
  return refund ? { kind: 'found', refund } : { kind: 'unavailable', reason: `HTTP ${res.status}` };
}

/**
 * Refunds on the generic contract: `POST /refund` with the refundId as
 * Idempotency-Key, `GET /refund/<refundId>` to look one up. A refund goes
 * over the GenericProvider's channel (genericChannel.ts): the same pools,
 * endpoint balancing and ejection, to the endpoint its payment is pinned to
 * (`paymentRef`, the record's providerRef), a retired one included, since the
 * charge is there and nowhere else; looked up along the payment's lookup plan.
 * The domain wraps each attempt in the provider's breaker (RefundProvider).
 */
export class GenericRefunds implements RefundProvider {
  readonly service = PAYMENT_SERVICE;

  constructor(private readonly channel: GenericChannel) {}

  async refund(paymentRef: string, req: RefundRequest, timeoutMs: number): Promise<RefundAnswer> {
    const target = this.channel.writeTarget(paymentRef, true);
    if (target.kind === 'refused') return { kind: 'no-answer', sent: false, reason: target.reason, local: true };
    const endpoint = target.label ? { endpoint: target.label } : {};
    const body = {
      transactionId: req.transactionId,
      refundId: req.refundId,
      amount: req.amount,
      currency: req.currency,
    };
    const { res, err, stalledMs } = await this.channel.send(
      target.at,
      {
        method: 'POST',
        url: '/refund',
        data: body,
        headers: { 'Idempotency-Key': req.refundId, 'Content-Type': 'application/json' },
      },
      timeoutMs,
    );
    if (!res) {
      const local = localTimeout(err, timeoutMs, stalledMs);
      return { kind: 'no-answer', sent: mayHaveReached(err), reason: reasonOf(err), local, ...endpoint };
    }
    if (res.status === 200 || res.status === 201) {
      const refund = parseRefund(res.data);
      return refund
        ? { kind: 'refund', refund, ...endpoint }
        : { kind: 'indeterminate', httpStatus: res.status, ...endpoint };
    }
    return { ...otherAnswerOf(res), ...endpoint };
  }

  /** By our refundId (the contract has no lookup by its own id); at the endpoints that may hold the refund. */
  async lookupRefund(
    paymentRef: string,
    req: RefundRequest,
    _providerRefundId: string | undefined,
    timeoutMs: number,
  ): Promise<RefundLookupAnswer> {
    return this.channel.lookup(paymentRef, timeoutMs, (at, ms) => this.lookupAt(at, req.refundId, ms));
  }

  private async lookupAt(at: EndpointAt, refundId: string, timeoutMs: number): Promise<RefundLookupAnswer> {
    const config = { method: 'GET', url: `/refund/${encodeURIComponent(refundId)}` };
    const { res, err } = await this.channel.send(at, config, timeoutMs);
    return res ? refundLookupOf(res) : { kind: 'unavailable', reason: reasonOf(err) };
  }
}
