/**
 * A local stand-in for the card payment provider (contract: docs/payment-provider.md).
 * It charges at most once per idempotency key, declines amounts ending in 402 minor
 * units, and injects failures (latency, 5xx, outage, 429, resets, hangs, a commit
 * whose answer arrives too late) switched at runtime through an unauthenticated,
 * CORS-enabled control API under /__control for the admin SPA.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  commitDelayFor,
  faultBeforeAuth,
  faultOnCharge,
  FaultConfigError,
  latencyFor,
  noFaults,
  parseFaultConfig,
} from './faults.ts';
import type { Endpoint, FaultAction, FaultConfig } from './faults.ts';
import { Ledger, validateCharge } from './ledger.ts';
import type { LedgerSnapshot } from './ledger.ts';
import { error, header, readJson, send } from './replies.ts';
import type { Reply } from './replies.ts';

export type { ChargeRecord, LedgerSnapshot } from './ledger.ts';

/** Snapshot of traffic counters. */
export type SimulatorStats = {
  /** TCP connections accepted since start or the last reset (control traffic included). */
  connectionsOpened: number;
  /** TCP connections open right now. */
  connectionsOpen: number;
  /** Provider API requests by endpoint (`POST /charge`, `GET /charge/:id`, `GET /health`, anything else); control requests are not counted. */
  requests: Record<Endpoint, number>;
};

/** A running simulator. */
export type PaymentSimulator = {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8710`. */
  url: string;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** Stops listening, destroys every open socket (hanging and keep-alive) and pending timers. */
  close(): Promise<void>;
  /** Replaces the fault config; throws FaultConfigError when invalid. */
  setFaults(faults: FaultConfig): FaultConfig;
  /** Current ledger. */
  ledger(): LedgerSnapshot;
  /** Current traffic counters. */
  stats(): SimulatorStats;
  /** Clears ledger, counters and faults. */
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
};

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, PUT, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
} as const;

/** Decoded path segment; a malformed %-escape decodes to '' (no charge has that id). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

function hashKey(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Starts the simulator and resolves once it listens. */
export async function startPaymentSimulator(opts: PaymentSimulatorOptions): Promise<PaymentSimulator> {
  // Compare digests in constant time so the key cannot be probed byte by byte.
  const expectedAuth = hashKey(`Bearer ${opts.apiKey}`);
  let faults: FaultConfig = noFaults();
  const ledger = new Ledger();
  const requests: SimulatorStats['requests'] = { charge: 0, lookup: 0, health: 0, other: 0 };
  let connectionsOpened = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  // Tracked so close() can clear them; unref'd so a forgotten delay never holds the process open.
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => (timers.delete(timer), resolve()), ms).unref();
      timers.add(timer);
    });

  const authorized = (req: IncomingMessage) => {
    const got = header(req, 'authorization');
    return got !== undefined && timingSafeEqual(hashKey(got), expectedAuth);
  };

  const classify = (method: string, path: string): Endpoint => {
    if (path === '/charge' && method === 'POST') return 'charge';
    if (path.startsWith('/charge/') && method === 'GET') return 'lookup';
    if (path === '/health' && method === 'GET') return 'health';
    return 'other';
  };

  async function charge(req: IncomingMessage): Promise<Reply> {
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
      return error(400, 'INVALID_CONTENT_TYPE', 'Send the body with Content-Type: application/json.');
    }
    const body = await readJson(req);
    if (!body.ok) return body.reply;
    const input = validateCharge(body.value, header(req, 'idempotency-key'));
    if ('status' in input) return input;
    return ledger.charge(input);
  }

  function applyFault(req: IncomingMessage, res: ServerResponse, action: FaultAction): void {
    if (action.kind === 'reply') return send(res, error(action.status, action.code, action.message, action.headers));
    // resetAndDestroy sends a TCP RST, so the client sees ECONNRESET as with a real reset.
    if (action.kind === 'reset') return void req.socket.resetAndDestroy();
    // hang: drain the body so the request counts as received, then never answer.
    if (action.kind === 'hang') req.resume();
  }

  async function provider(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const endpoint = classify(method, path);
    requests[endpoint] += 1;
    const key = header(req, 'idempotency-key');
    if (endpoint === 'charge' && key !== undefined) ledger.countRequest(key);
    await delay(latencyFor(faults));
    const early = faultBeforeAuth(faults);
    if (early.kind === 'reply' && endpoint === 'health')
      return send(res, { status: early.status, body: { ok: false } });
    if (early.kind !== 'proceed') return applyFault(req, res, early);
    if (!authorized(req))
      return send(res, error(401, 'UNAUTHORIZED', 'Missing or wrong API key; send Authorization: Bearer <apiKey>.'));
    if (endpoint === 'health') return send(res, { status: 200, body: { ok: true } });
    if (endpoint === 'lookup') {
      const found = ledger.find(decodePathSegment(path.slice('/charge/'.length)));
      return send(
        res,
        found
          ? { status: 200, body: found }
          : error(404, 'NOT_FOUND', 'No charge was ever requested with this transactionId.'),
      );
    }
    if (endpoint === 'other') {
      const known = path === '/charge' || path === '/health' || path.startsWith('/charge/');
      return send(
        res,
        known
          ? error(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}.`)
          : error(404, 'NOT_FOUND', `No endpoint ${path}.`),
      );
    }
    const fault = faultOnCharge(faults);
    if (fault.kind !== 'proceed') return applyFault(req, res, fault);
    const reply = await charge(req);
    // commit-then-timeout: the charge is already recorded; only its answer comes late.
    if (reply.status === 200 || reply.status === 201 || reply.status === 402) await delay(commitDelayFor(faults));
    send(res, reply);
  }

  const snapshotLedger = (): LedgerSnapshot => ledger.snapshot();
  const snapshotStats = (): SimulatorStats => ({
    connectionsOpened,
    connectionsOpen: sockets.size,
    requests: { ...requests },
  });
  const setFaults = (next: FaultConfig) => (faults = parseFaultConfig(next));
  const reset = () => {
    ledger.clear();
    for (const k of Object.keys(requests) as Endpoint[]) requests[k] = 0;
    connectionsOpened = 0;
    faults = noFaults();
  };

  async function control(req: IncomingMessage, method: string, path: string): Promise<Reply> {
    const route = `${method} ${path}`;
    if (route === 'GET /__control/faults') return { status: 200, body: faults };
    if (route === 'PUT /__control/faults') {
      const body = await readJson(req);
      if (!body.ok) return body.reply;
      try {
        return { status: 200, body: setFaults(body.value as FaultConfig) };
      } catch (err) {
        if (err instanceof FaultConfigError) return error(400, err.code, err.message);
        throw err;
      }
    }
    if (route === 'GET /__control/ledger') return { status: 200, body: snapshotLedger() };
    if (route === 'GET /__control/stats') return { status: 200, body: snapshotStats() };
    if (route === 'POST /__control/reset') {
      reset();
      return { status: 200, body: { ok: true } };
    }
    return error(404, 'NOT_FOUND', `No control endpoint ${route}.`);
  }

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const isControl = path === '/__control' || path.startsWith('/__control/');
    if (isControl && method === 'OPTIONS') {
      // CORS preflight from the admin SPA, which runs on another port.
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    const handled = isControl
      ? control(req, method, path).then((reply) =>
          send(res, { ...reply, headers: { ...reply.headers, ...CORS_HEADERS } }),
        )
      : provider(req, res, method, path);
    handled.catch((err: unknown) => {
      // A client that disconnects mid-body makes reading fail; there is nobody left to answer.
      if (req.destroyed) return;
      send(res, error(500, 'SIMULATOR_BUG', `Simulator failure: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionsOpened += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server
      .once('error', reject)
      .listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(void server.off('error', reject)));
  });
  const { port, address } = server.address() as AddressInfo;
  const hostForUrl = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    setFaults,
    ledger: snapshotLedger,
    stats: snapshotStats,
    reset,
  };
}
