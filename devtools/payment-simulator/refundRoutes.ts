/**
 * The simulator's refund endpoints (docs/payment-provider.md): `POST /refund`
 * past the pre-refund faults (the same as a charge's), and
 * `GET /refund/<refundId>`. The fault mode plans the refund exactly as it plans
 * a charge (faults.ts chargePlanFor); refunds.ts keeps the records.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeSegment } from '../shared/http.ts';
import { deliver, moneyBody, sendGateway404 } from './delivery.ts';
import { chargePlanFor, keyTtlFor } from './faults.ts';
import type { FaultConfig } from './faults.ts';
import { validateRefund } from './refunds.ts';
import type { RefundBook } from './refunds.ts';
import { error, header, send } from './replies.ts';

/** Path prefix of a refund lookup. */
export const REFUND_LOOKUP_PREFIX = '/refund/';

/** What the refund routes read: the faults in force, the refunds, the server's tracked delays. */
export type RefundRouteDeps = {
  faults: () => FaultConfig;
  book: RefundBook;
  delay: (ms: number) => Promise<void>;
};

const isRefundAnswer = (status: number) => status === 200 || status === 201;

/** The two refund endpoints over `deps`. */
export function refundRoutes(deps: RefundRouteDeps) {
  /** An authenticated `POST /refund` past the pre-refund faults; a deferred commit counts from `arrivedAt`. */
  async function refund(req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
    const body = await moneyBody(req);
    if (!body.ok) return send(res, body.reply);
    const input = validateRefund(body.value, header(req, 'idempotency-key'));
    if ('status' in input) return send(res, input);
    // Read after the body: the mode in force when the provider decides is the one that counts.
    const faults = deps.faults();
    const plan = chargePlanFor(faults);
    const status = faults.refundStatus ?? 'succeeded';
    const options = { keyTtlMs: keyTtlFor(faults), status };
    const decided = deps.book.refund(
      input,
      plan.commit === 'later' ? { ...options, commitAt: arrivedAt + plan.delayMs } : options,
    );
    return deliver(req, res, plan, decided, isRefundAnswer, deps.delay);
  }

  /** An authenticated `GET /refund/<refundId>`. */
  function lookup(res: ServerResponse, path: string): void {
    if (deps.faults().lookupFault === 'gateway-404') return sendGateway404(res);
    const found = deps.book.find(decodeSegment(path.slice(REFUND_LOOKUP_PREFIX.length)));
    send(
      res,
      found
        ? { status: 200, body: found }
        : error(404, 'NOT_FOUND', 'No refund is recorded under this refundId (yet).'),
    );
  }

  return { refund, lookup };
}
