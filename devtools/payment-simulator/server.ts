/**
 * A local stand-in for the card payment provider (contract: docs/payment-provider.md).
 * It charges at most once per remembered idempotency key, declines amounts ending
 * in 402 minor units, refunds succeeded charges (never above their amount), and injects failures (latency, 5xx, outage, 429, resets,
 * hangs, answers that come too late or never, commits that come late, forgotten
 * keys) switched at runtime through an unauthenticated, CORS-enabled control API
 * under /__control for the admin SPA.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trackedDelays } from '../shared/delays.ts';
import { decodeSegment, listen } from '../shared/http.ts';
import { handleControl, isControlPath } from './control.ts';
import { deliver, moneyBody, sendGateway404 } from './delivery.ts';
import {
  chargePlanFor,
  faultBeforeAuth,
  faultOnCharge,
  faultOnRefund,
  keyTtlFor,
  latencyFor,
  noFaults,
  parseFaultConfig,
} from './faults.ts';
import type { FaultAction, FaultConfig } from './faults.ts';
import { Ledger, validateCharge } from './ledger.ts';
import type { LedgerSnapshot } from './ledger.ts';
import { refundRoutes } from './refundRoutes.ts';
import { RefundBook } from './refunds.ts';
import type { SettledStatus } from './refunds.ts';
import { error, header, send } from './replies.ts';
import type { Reply } from './replies.ts';
import type { RefundSnapshot } from './shapes.ts';
import { classify, Traffic } from './traffic.ts';
import type { SimulatorStats } from './traffic.ts';

export type { ChargeRecord, LedgerSnapshot } from './ledger.ts';
export type { RefundRecord, RefundSnapshot } from './shapes.ts';
export type { SimulatorStats } from './traffic.ts';

/** A running simulator. */
export type PaymentSimulator = {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8710` (`https://` with `tls`). */
  url: string;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops listening, destroys every open socket (hanging and keep-alive) and pending timers. */
  close(): Promise<void>;
  /** Replaces the fault config; throws FaultConfigError when invalid. */
  setFaults(faults: FaultConfig): FaultConfig;
  /** Current ledger. */
  ledger(): LedgerSnapshot;
  /** Current refunds. */
  refunds(): RefundSnapshot;
  /** Settles a pending refund (the reply `POST /__control/refunds/settle` sends). */
  settleRefund(refundId: string, status: SettledStatus, failureReason?: string): Reply;
  /** Current traffic counters. */
  stats(): SimulatorStats;
  /** Clears ledger and refunds (pending commits included), counters and faults. */
  reset(): void;
};

/** Options for startPaymentSimulator. */
export type PaymentSimulatorOptions = {
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** The only accepted bearer token. */
  apiKey: string;
  /** Clock of commits and key retention (tests); defaults to Date.now. */
  now?: () => number;
  /** Serve HTTPS with this certificate and key (PEM; see tls.ts); plain HTTP when absent. */
  tls?: { cert: string; key: string };
};

function hashKey(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const isChargeAnswer = (status: number) => status === 200 || status === 201 || status === 402;

/** Starts the simulator and resolves once it listens. */
export async function startPaymentSimulator(opts: PaymentSimulatorOptions): Promise<PaymentSimulator> {
  // Compare digests in constant time so the key cannot be probed byte by byte.
  const expectedAuth = hashKey(`Bearer ${opts.apiKey}`);
  let faults: FaultConfig = noFaults();
  const clock = opts.now ?? Date.now;
  const ledger = new Ledger(clock);
  const book = new RefundBook((transactionId) => ledger.find(transactionId), clock);
  const traffic = new Traffic();
  const { delay, cancelAll } = trackedDelays();
  const refunds = refundRoutes({ faults: () => faults, book, delay });
  /** Provider requests inside their latency delay right now (loadLatencyMs). */
  let working = 0;

  const authorized = (req: IncomingMessage) => {
    const got = header(req, 'authorization');
    return got !== undefined && timingSafeEqual(hashKey(got), expectedAuth);
  };

  function applyFault(req: IncomingMessage, res: ServerResponse, action: FaultAction): void {
    if (action.kind === 'reply') return send(res, error(action.status, action.code, action.message, action.headers));
    // resetAndDestroy sends a TCP RST, so the client sees ECONNRESET as with a real reset.
    if (action.kind === 'reset') return void req.socket.resetAndDestroy();
    // hang: drain the body so the request counts as received, then never answer.
    if (action.kind === 'hang') req.resume();
  }

  /**
   * An authenticated `POST /charge` past the pre-charge faults: validate, then
   * charge as the mode plans it; a deferred commit counts from `arrivedAt`.
   */
  async function charge(req: IncomingMessage, res: ServerResponse, arrivedAt: number): Promise<void> {
    const body = await moneyBody(req);
    if (!body.ok) return send(res, body.reply);
    const input = validateCharge(body.value, header(req, 'idempotency-key'));
    if ('status' in input) return send(res, input);
    // Read after the body: the mode in force when the provider decides is the one that counts.
    const plan = chargePlanFor(faults);
    const keyTtlMs = keyTtlFor(faults);
    const result = ledger.charge(
      input,
      plan.commit === 'later' ? { keyTtlMs, commitAt: arrivedAt + plan.delayMs } : { keyTtlMs },
    );
    return deliver(req, res, plan, result, isChargeAnswer, delay);
  }

  async function provider(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const arrivedAt = clock();
    const endpoint = classify(method, path);
    traffic.request(endpoint, res);
    const key = header(req, 'idempotency-key');
    if (endpoint === 'charge' && key !== undefined) ledger.countRequest(key);
    if (endpoint === 'refund' && key !== undefined) book.countRequest(key);
    // Counted until its delay is over, whether or not the client still waits (real providers keep working).
    const others = working++;
    try {
      await delay(latencyFor(faults, others));
    } finally {
      working--;
    }
    const early = faultBeforeAuth(faults);
    if (early.kind === 'reply' && endpoint === 'health')
      return send(res, { status: early.status, body: { ok: false } });
    if (early.kind !== 'proceed') return applyFault(req, res, early);
    if (!authorized(req))
      return send(res, error(401, 'UNAUTHORIZED', 'Missing or wrong API key; send Authorization: Bearer <apiKey>.'));
    if (endpoint === 'health') return send(res, { status: 200, body: { ok: true } });
    if (endpoint === 'lookup') {
      if (faults.lookupFault === 'gateway-404') return sendGateway404(res);
      const found = ledger.find(decodeSegment(path.slice('/charge/'.length)));
      return send(
        res,
        found
          ? { status: 200, body: found }
          : error(404, 'NOT_FOUND', 'No charge is recorded under this transactionId (yet).'),
      );
    }
    if (endpoint === 'refundLookup') return refunds.lookup(res, path);
    if (endpoint === 'other') {
      const known = ['/charge', '/refund', '/health'].includes(path) || /^\/(charge|refund)\//.test(path);
      return send(
        res,
        known
          ? error(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}.`)
          : error(404, 'NOT_FOUND', `No endpoint ${path}.`),
      );
    }
    const fault = endpoint === 'refund' ? faultOnRefund(faults) : faultOnCharge(faults);
    if (fault.kind !== 'proceed') return applyFault(req, res, fault);
    return endpoint === 'refund' ? refunds.refund(req, res, arrivedAt) : charge(req, res, arrivedAt);
  }

  const control = {
    faults: () => faults,
    setFaults: (next: FaultConfig) => (faults = parseFaultConfig(next)),
    ledger: (): LedgerSnapshot => ledger.snapshot(),
    refunds: (): RefundSnapshot => book.snapshot(),
    settleRefund: (refundId: string, status: SettledStatus, failureReason?: string) =>
      book.settle(refundId, status, failureReason),
    stats: (): SimulatorStats => traffic.snapshot(),
    reset: () => {
      ledger.clear();
      book.clear();
      traffic.reset();
      faults = noFaults();
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handled = isControlPath(path)
      ? handleControl(control, req, res, method, path)
      : provider(req, res, method, path);
    handled.catch((err: unknown) => {
      // A client that disconnects mid-body makes reading fail; there is nobody left to answer.
      if (req.destroyed) return;
      send(res, error(500, 'SIMULATOR_BUG', `Simulator failure: ${err instanceof Error ? err.message : String(err)}`));
    });
  };
  const server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, handle) : createServer(handle);
  // 'connection' is the TCP connection in both cases (before any TLS handshake).
  server.on('connection', (socket) => traffic.connection(socket));

  const { port, host: hostForUrl } = await listen(server, opts.port, opts.host);

  return {
    url: `${opts.tls ? 'https' : 'http'}://${hostForUrl}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        cancelAll();
        server.close(() => resolve());
        for (const socket of traffic.sockets) socket.destroy();
      }),
    setFaults: control.setFaults,
    ledger: control.ledger,
    refunds: control.refunds,
    settleRefund: control.settleRefund,
    stats: control.stats,
    reset: control.reset,
  };
}
