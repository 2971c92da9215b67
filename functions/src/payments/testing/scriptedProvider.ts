import type { HealthResult } from '../../resilience/http/index.js';
import type { CancelAnswer, ChargeAnswer, LookupAnswer, PaymentProvider } from '../provider/paymentProvider.js';
import type { ProviderMoney } from '../provider/providerMoney.js';
import type { PaymentRequest } from '../paymentRequest.js';
import { ISO_4217_MONEY } from '../iso4217.js';

/** What a ScriptedProvider records. */
export type ScriptedOp = 'prepare' | 'charge' | 'lookup' | 'cancel';

/**
 * One scripted charge: an answer, or a function giving it (e.g. to let time pass during the attempt, or to let
 * something else write to the ledger before the call sees the answer).
 */

export type ScriptedCharge = ChargeAnswer | (() => ChargeAnswer | Promise<ChargeAnswer>);

/**
 * A PaymentProvider for unit tests of the payment decisions: answers charges
 * and lookups from scripts, in order, and records every call. A call past the
 * end of its script fails the test loudly.
 */
export class ScriptedProvider implements PaymentProvider {
  readonly service = 'payment-service';
  /** The provider's money rules: the generic contract's unless a test sets another's. */
  money: ProviderMoney = ISO_4217_MONEY;
  /** When set, `prepare` throws it (after recording the call). */
  prepareError: Error | undefined = undefined;
  readonly calls: { op: ScriptedOp; ref?: string; req: PaymentRequest; timeoutMs: number }[] = [];
  /** Answers of `cancel`, in order; when empty, `cancel` answers `unsupported` (the generic contract). */
  readonly cancels: CancelAnswer[] = [];

  constructor(
    private readonly charges: ScriptedCharge[] = [],
    private readonly lookups: LookupAnswer[] = [],
    private readonly ref: (req: PaymentRequest) => string = (req) => req.transactionId,
  ) {}

  /** Calls of one kind. */
  count(op: ScriptedOp): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  prepare(req: PaymentRequest, timeoutMs: number): Promise<string> {
    this.calls.push({ op: 'prepare', req, timeoutMs });
    if (this.prepareError !== undefined) return Promise.reject(this.prepareError);
    return Promise.resolve(this.ref(req));
  }

  charge(ref: string, req: PaymentRequest, timeoutMs: number): Promise<ChargeAnswer> {
    this.calls.push({ op: 'charge', ref, req, timeoutMs });
    const next = this.charges.shift();
    if (next === undefined) return Promise.reject(new Error('ScriptedProvider: unexpected charge'));
    return Promise.resolve(typeof next === 'function' ? next() : next);
  }

  lookup(ref: string, req: PaymentRequest, timeoutMs: number): Promise<LookupAnswer> {
    this.calls.push({ op: 'lookup', ref, req, timeoutMs });
    const next = this.lookups.shift();
    if (next === undefined) return Promise.reject(new Error('ScriptedProvider: unexpected lookup'));
    return Promise.resolve(next);
  }

  cancel(ref: string, req: PaymentRequest, timeoutMs: number): Promise<CancelAnswer> {
    this.calls.push({ op: 'cancel', ref, req, timeoutMs });
    return Promise.resolve(this.cancels.shift() ?? { kind: 'unsupported' });
  }

  checkHealth(): Promise<HealthResult> {
    return Promise.resolve({ ok: true, checkedAt: new Date(0).toISOString(), latencyMs: 0 });
  }
}
