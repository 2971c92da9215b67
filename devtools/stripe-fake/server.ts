/**
 * An offline stand-in for the Stripe API's PaymentIntents and Refunds subset
 * (`POST /v1/payment_intents`, `.../{id}/confirm`, `.../{id}/cancel`,
 * `GET /v1/payment_intents/{id}`, `POST /v1/refunds`, `GET /v1/refunds/{id}`,
 * `GET /v1/refunds?payment_intent=`, `GET /v1/balance`; routes.ts) with Stripe's
 * authentication, error shapes and idempotency rules, signed webhook delivery,
 * runtime faults, and a control API (control.ts) for tests and the admin page.
 * The backend's StripeProvider is tested against it through the real `stripe`
 * SDK; `npm start` can run the backend against it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { trackedDelays } from '../shared/delays.ts';
import { listen } from '../shared/http.ts';
import { handleControl, isControlPath } from './control.ts';
import type { ControlTarget, FakeLedger, OutsideIntent, OutsideRefund } from './control.ts';
import { Faults } from './faults.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { Intents } from './intents.ts';
import type { Operation, PaymentIntent } from './intents.ts';
import type { Refund } from './objects.ts';
import { Refunds } from './refunds.ts';
import { classify, executor, intentExecuted } from './routes.ts';
import type { Executed } from './routes.ts';
import { WebhookSender } from './webhooks.ts';
import type { WebhookOptions } from './webhooks.ts';
import { fingerprint, header, invalidRequest, readBody, send, stripeError } from './wire.ts';
import type { Reply } from './wire.ts';
import { Disputes } from './disputes.ts';
import type { DisputeOperation } from './disputes.ts';

export { stripeSignature } from './webhooks.ts';
export type { Delivery, StripeEvent, WebhookOptions } from './webhooks.ts';
export type { FakeLedger, OutsideIntent, OutsideRefund } from './control.ts';
export type { FaultConfig } from './faults.ts';
export type { Charge, ChargeObject, PaymentIntent, Refund } from './objects.ts';

/** Options of {@link startStripeFake}. */
export type StripeFakeOptions = {
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** The only accepted secret key (`sk_test_...`), as a Bearer token or HTTP basic user. Never logged. */
  apiKey: string;
  /** Where events are delivered, and the signing secret. */
  webhook?: WebhookOptions;
  /** Base clock (ms); the control API moves it forward. Default Date.now. */
  now?: () => number;
};

/** A running fake. */
export type StripeFake = {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:12111`. */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Resolves once no webhook delivery is on the wire. */
  webhooksIdle(): Promise<void>;
} & ControlTarget;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Starts the fake and resolves once it listens. */
export async function startStripeFake(opts: StripeFakeOptions): Promise<StripeFake> {
  // Digests compared in constant time, so the key cannot be probed byte by byte.
  const accepted = [
    digest(`Bearer ${opts.apiKey}`),
    digest(`Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`),
  ];
  const base = opts.now ?? Date.now;
  let offset = 0;
  const now = () => base() + offset;
  const faults = new Faults();
  const keys = new IdempotencyKeys(now);
  const intents = new Intents(now);
  const refunds = new Refunds(intents, now);
  const disputes = new Disputes(intents, now);
  const execute = executor(intents, refunds);
  const webhooks = new WebhookSender(opts.webhook, now);
  const outside = new Set<string>();
  const byEndpoint: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const { delay, cancelAll } = trackedDelays();

  const authorized = (req: IncomingMessage) => {
    const got = header(req, 'authorization');
    return got !== undefined && accepted.some((a) => timingSafeEqual(digest(got), a));
  };

  function emit(op: Executed, req: IncomingMessage | null): void {
    const request = {
      apiVersion: req ? (header(req, 'stripe-version') ?? null) : null,
      idempotencyKey: req ? (header(req, 'idempotency-key') ?? null) : null,
    };
    for (const { type, object } of op.events) webhooks.emit(type, object, request);
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<void> {
    const path = url.pathname;
    const { endpoint, id } = classify(method, path);
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
    res.setHeader('Request-Id', `req_${randomBytes(7).toString('hex')}`);
    if (!authorized(req)) {
      // Stripe masks the key in this message; the fake names none of it.
      return send(res, stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided.' }));
    }
    if (endpoint === 'other') {
      return send(res, invalidRequest(`Unrecognized request URL (${method}: ${path}).`));
    }
    const plan = faults.planFor(endpoint);
    if (plan.before.kind === 'hang') return void req.resume();
    if (plan.before.kind === 'reply')
      return send(res, stripeError(plan.before.status, plan.before.error, plan.before.headers));
    const body = method === 'POST' ? await readBody(req) : '';
    if (body === null) return send(res, invalidRequest('The request body is too large.'));
    const key = method === 'POST' ? header(req, 'idempotency-key') : undefined;
    if (key !== undefined) {
      const decision = keys.begin(key, fingerprint(method, path, body));
      if (decision.kind === 'answer') return send(res, decision.reply);
    }
    let reply: Reply;
    try {
      // The key stays in flight while the request "executes", so a concurrent repeat sees 409.
      await delay(plan.latencyMs);
      const op = execute(endpoint, id, body, url.searchParams);
      if (!op.saved) {
        if (key !== undefined) keys.release(key);
        return send(res, op.reply);
      }
      reply = op.reply;
      if (plan.after === 'error') {
        const error = { type: 'api_error' as const, message: 'Simulated Stripe error after the request executed.' };
        reply = stripeError(500, error, { 'Stripe-Should-Retry': 'false' });
      }
      if (key !== undefined) keys.save(key, reply);
      emit(op, req);
    } catch (err) {
      if (key !== undefined) keys.release(key);
      throw err;
    }
    if (plan.after === 'hang') return;
    send(res, reply);
  }

  const control: ControlTarget = {
    faults: () => faults.get(),
    setFaults: (next) => faults.set(next),
    ledger: (): FakeLedger => ({
      ...intents.snapshot(),
      refunds: refunds.snapshot(),
      outsidePaymentIntents: [...outside],
      requestsByKey: keys.requestCounts(),
      requestsByEndpoint: { ...byEndpoint },
    }),
    events: () => ({ events: webhooks.list(), deliveries: webhooks.deliveries() }),
    completeAuthentication: (piId, succeed) => transition(intents.completeAuthentication(piId, succeed)),
    settle: (piId, succeed) => transition(intents.settle(piId, succeed)),
    createOutside,
    pendRefunds: (count) => refunds.pendNext(count),
    settleRefund: (refundId, succeed, failureReason) => {
      const op = refunds.settle(refundId, succeed, failureReason);
      if (op) emit(op, null);
      return op?.reply.body ? (op.reply.body as Refund) : null;
    },
    createOutsideRefund: (p: OutsideRefund) => {
      const op = refunds.refund({
        paymentIntent: p.paymentIntent,
        amount: p.amount ?? null,
        reason: p.reason ?? null,
        metadata: {},
      });
      emit(op, null);
      return op.reply;
    },
    clientConfirm: (piId, clientSecret, paymentMethod) => {
      const op = intents.clientConfirm(piId, clientSecret, paymentMethod);
      transition(op);
      return op.reply;
    },
    openDispute: (p) => disputeSent(disputes.open(p)),
    changeDispute: (id, p) => disputeSent(disputes.change(id, p)),
    advanceClock: (ms) => ((offset += ms), now()),
    holdWebhooks: (on) => webhooks.hold(on),
    flushWebhooks: (order) => webhooks.flush(order),
    resendEvent: (eventId) => webhooks.resend(eventId),
    reset: () => {
      intents.clear();
      refunds.clear();
      disputes.clear();
      outside.clear();
      keys.clear();
      webhooks.clear();
      faults.set({ mode: 'none' });
      for (const k of Object.keys(byEndpoint)) delete byEndpoint[k];
      offset = 0;
    },
  };

  /** A dispute's events go out (no request behind them); the reply is the dispute or Stripe's refusal. */
  function disputeSent(op: DisputeOperation): Reply {
    for (const { type, object } of op.events) webhooks.emit(type, object, { apiVersion: null, idempotencyKey: null });
    return op.reply;
  }

  /** A control-triggered change: its events go out like those of API requests (no request behind them). */
  function transition(op: Operation | null): PaymentIntent | null {
    if (!op?.piId) return null;
    emit(intentExecuted(intents, op), null);
    return intents.get(op.piId)!;
  }

  /**
   * A PaymentIntent made and confirmed outside the product (control.ts OutsideIntent), through
   * the same state machine as the API's and with the same events, sent without a request.
   */
  function createOutside(p: OutsideIntent): Reply {
    const form = {
      amount: String(p.amount),
      currency: p.currency,
      payment_method: p.paymentMethod ?? 'pm_card_visa',
      automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' },
      ...(p.metadata && Object.keys(p.metadata).length > 0 ? { metadata: p.metadata } : {}),
    };
    const created = intents.create(form);
    if (!created.piId) return created.reply;
    outside.add(created.piId);
    transition(created);
    transition(intents.confirm(created.piId, {}));
    return { status: 200, body: intents.get(created.piId) };
  }

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const handled = isControlPath(path) ? handleControl(control, req, res, method, path) : api(req, res, method, url);
    handled.catch((err: unknown) => {
      if (req.destroyed) return;
      send(
        res,
        stripeError(500, {
          type: 'api_error',
          message: `Stripe fake failure: ${err instanceof Error ? err.message : String(err)}`,
        }),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const { port, host } = await listen(server, opts.port, opts.host);

  return {
    url: `http://${host}:${port}`,
    port,
    ...control,
    webhooksIdle: () => webhooks.idle(),
    close: () =>
      new Promise<void>((resolve) => {
        webhooks.close();
        cancelAll();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
