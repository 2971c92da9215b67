/**
 * How the simulator answers a request that moves money (`POST /charge`,
 * `POST /refund`) once the ledger has decided, as the fault mode planned it
 * (faults.ts chargePlanFor): sent, held, reset, delayed or 202 at once; and
 * the parts both share before that (the JSON body) and after (a gateway's 404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChargePlan } from './faults.ts';
import { error, header, readJson, send } from './replies.ts';
import type { Reply } from './replies.ts';

/** What the ledger did with a request: answered at once, or accepted to commit later. */
export type Decided = { kind: 'answered'; reply: Reply } | { kind: 'scheduled'; commitAt: number };

/** The JSON body of a money request, or the 400/413 reply when it is not one. */
export async function moneyBody(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; reply: Reply }> {
  if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return {
      ok: false,
      reply: error(400, 'INVALID_CONTENT_TYPE', 'Send the body with Content-Type: application/json.'),
    };
  }
  return readJson(req);
}

/**
 * Carries out `plan` for what the ledger `decided`: a deferred commit is held
 * (late-commit: the body is read, the socket kept until the client gives up)
 * or answered 202 (accepted-then-commit); lost-response resets after the
 * ledger acted; commit-then-timeout holds a money answer (`moved` says which
 * statuses are one) for `holdMs` after it was recorded.
 */
export async function deliver(
  req: IncomingMessage,
  res: ServerResponse,
  plan: ChargePlan,
  decided: Decided,
  moved: (status: number) => boolean,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  if (decided.kind === 'scheduled') {
    if (plan.answer === 'accepted') send(res, { status: 202, body: { status: 'processing' } });
    return;
  }
  if (plan.answer === 'reset') return void req.socket.resetAndDestroy();
  if (plan.answer === 'send' && moved(decided.reply.status)) await delay(plan.holdMs);
  send(res, decided.reply);
}

/** A proxy's or gateway's 404: an HTML page, none of the contract's error body. */
export function sendGateway404(res: ServerResponse): void {
  const page = '<html><body><h1>404 Not Found</h1></body></html>';
  res.writeHead(404, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(page) });
  res.end(page);
}
