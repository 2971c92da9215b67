/**
 * A strict local stand-in for Amazon CloudWatch Logs, speaking the real JSON 1.1
 * protocol (POST / with `X-Amz-Target: Logs_20140328.<Action>`), so the real
 * AWS SDK client can be pointed at it with `endpoint: url`.
 *
 * It enforces the PutLogEvents limits the real service enforces (count, bytes,
 * order, 24 h span, event size) and answers errors the way the service does
 * (HTTP 400 + `{"__type": ..., "message": ...}`), so a client that passes here
 * does not fail in production for a limit reason. Every request needs a SigV4
 * Authorization header; with `auth` (or `allowCredentials`) only known keys
 * pass and their signatures, session tokens and expiry are checked (auth.ts).
 * Each request's log entry says which access key id signed it and whether a
 * session token came. The actions and their limits are in logsApi.ts; this
 * file is the HTTP side and the test hooks.
 *
 * Test hooks: `setFaults()` in-process or `PUT /__control/faults` over HTTP,
 * `GET /__control/events?logGroup=` to read what was stored,
 * `GET /__control/requests` for the request log (never keys or tokens).
 * Runs directly on Node 24 (type stripping): node built-ins only.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AuthChecker, type AuthOptions, type KnownCredentials } from './auth.ts';
import { ApiError, createLogsActions, snapshotGroups } from './logsApi.ts';
import type { Body, Group, GroupSnapshot } from './logsApi.ts';

export type { AuthOptions, KnownCredentials } from './auth.ts';

export { LIMITS } from './logsApi.ts';
export type { GroupSnapshot, StoredEvent } from './logsApi.ts';

/** Fault modes that can be switched on at runtime. */
export const FaultMode = { none: 'none', throttle: 'throttle', error500: 'error500', hang: 'hang' } as const;
export type FaultMode = (typeof FaultMode)[keyof typeof FaultMode];

/** Injected failure: `count` requests (all while unset) answer with `mode`, optionally only for some actions. */
export interface Faults {
  mode: FaultMode;
  count?: number;
  actions?: string[];
}

/** One request as the endpoint saw it (newest last). */
export interface RequestRecord {
  action: string;
  status: number;
  errorType?: string;
  at: number;
  eventCount?: number;
  /** The access key id of the request's SigV4 credential, when it had one. */
  accessKeyId?: string;
  /** Whether an `X-Amz-Security-Token` (temporary credentials) came. */
  sessionToken?: boolean;
}

/** Handle of a running endpoint. */
export interface CloudWatchLocal {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(faults: Faults): void;
  groups(): GroupSnapshot[];
  requests(): RequestRecord[];
  /** Replaces the authentication settings (reset() restores those given at start). */
  setAuth(auth: AuthOptions): void;
  /** Accepts one more key, e.g. temporary credentials a fake STS issued. */
  allowCredentials(credentials: KnownCredentials): void;
  reset(): void;
}

const TARGET_PREFIX = 'Logs_20140328.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Starts the endpoint on `host:port` (port 0 = any free port). */
export async function startCloudWatchLocal(
  options: { port?: number; host?: string; auth?: AuthOptions } = {},
): Promise<CloudWatchLocal> {
  const host = options.host ?? '127.0.0.1';
  const auth = new AuthChecker(options.auth);
  const store = new Map<string, Group>();
  const log: RequestRecord[] = [];
  let faults: Faults = { mode: FaultMode.none };
  const actions = createLogsActions(store);

  function reply(res: ServerResponse, status: number, body: Body | null, errorType?: string): void {
    const payload = body === null ? '' : JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(payload),
      'x-amzn-RequestId': randomUUID(),
    };
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    res.writeHead(status, headers).end(payload);
  }
  function replyError(res: ServerResponse, err: ApiError): void {
    reply(res, err.status, { __type: err.type, message: err.message }, err.type);
  }

  /** Returns the injected fault's error (or 'hang': the request is held), or null when none applies. */
  function takeFault(action: string): ApiError | 'hang' | null {
    if (faults.mode === FaultMode.none) return null;
    if (faults.actions && !faults.actions.includes(action)) return null;
    const mode = faults.mode;
    if (faults.count !== undefined && --faults.count <= 0) faults = { mode: FaultMode.none };
    if (mode === FaultMode.hang) return 'hang';
    return mode === FaultMode.throttle
      ? new ApiError('ThrottlingException', 'Rate exceeded')
      : new ApiError('ServiceUnavailableException', 'The service is unavailable. Please try again.', 500);
  }

  function control(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): void {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/__control/faults' && req.method === 'PUT') {
      try {
        api.setFaults(JSON.parse(raw) as Faults);
        json(200, faults);
      } catch (err) {
        json(400, { message: (err as Error).message });
      }
    } else if (url.pathname === '/__control/faults' && req.method === 'GET') json(200, faults);
    else if (url.pathname === '/__control/events' && req.method === 'GET') {
      const wantGroup = url.searchParams.get('logGroup');
      const wantStream = url.searchParams.get('logStream');
      const events = api
        .groups()
        .filter((g) => !wantGroup || g.logGroupName === wantGroup)
        .flatMap((g) =>
          g.streams
            .filter((s) => !wantStream || s.logStreamName === wantStream)
            .flatMap((s) =>
              s.events.map((e) => ({ logGroupName: g.logGroupName, logStreamName: s.logStreamName, ...e })),
            ),
        );
      json(200, { events });
    } else if (url.pathname === '/__control/requests' && req.method === 'GET') json(200, { requests: api.requests() });
    else if (url.pathname === '/__control/reset' && req.method === 'POST') {
      api.reset();
      json(200, { ok: true });
    } else json(404, { message: 'Unknown control route' });
  }

  function handle(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/__control/')) return control(req, res, url, raw);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const record: RequestRecord = { action: action || '(none)', status: 0, at: Date.now() };
    log.push(record);
    if (log.length > 10_000) log.shift();
    const done = (status: number, errorType?: string) =>
      Object.assign(record, { status }, errorType ? { errorType } : {});
    try {
      if (req.method !== 'POST' || url.pathname !== '/')
        throw new ApiError('UnknownOperationException', 'Only POST / is supported.', 404);
      if (!Object.hasOwn(actions, action))
        throw new ApiError('UnknownOperationException', `Unknown operation: ${target}`);
      if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE))
        throw new ApiError('SerializationException', `Content-Type must be ${CONTENT_TYPE}.`);
      const fault = takeFault(action);
      if (fault === 'hang') return void done(0, 'hang'); // never answered; close() destroys the socket
      if (fault) throw fault;
      const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
      const seen = auth.check(
        { method: String(req.method), path, query, headers: req.headers, body: bytes },
        Date.now(),
      );
      Object.assign(record, seen);
      let body: Body;
      try {
        body = raw.length === 0 ? {} : (JSON.parse(raw) as Body);
      } catch {
        throw new ApiError('SerializationException', 'The request body is not valid JSON.');
      }
      if (Array.isArray(body.logEvents)) record.eventCount = body.logEvents.length;
      const out = actions[action]!(body, Date.now());
      reply(res, 200, out);
      done(200);
    } catch (err) {
      const apiErr =
        err instanceof ApiError ? err : new ApiError('ServiceUnavailableException', (err as Error).message, 500);
      replyError(res, apiErr);
      done(apiErr.status, apiErr.type);
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        replyError(res, new ApiError('InvalidParameterException', 'Request body too large.', 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (!res.headersSent) handle(req, res, Buffer.concat(chunks));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const api: CloudWatchLocal = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // also ends requests held open by the 'hang' fault
      }),
    setFaults(next) {
      if (!Object.values(FaultMode).includes(next?.mode)) throw new Error(`Unknown fault mode: ${String(next?.mode)}`);
      if (next.count !== undefined && (!Number.isSafeInteger(next.count) || next.count < 1))
        throw new Error('count must be a positive integer');
      faults = { ...next, ...(next.actions ? { actions: [...next.actions] } : {}) };
    },
    groups: () => snapshotGroups(store),
    requests: () => log.map((r) => ({ ...r })),
    setAuth: (next) => auth.configure(next),
    allowCredentials: (credentials) => auth.allow(credentials),
    reset() {
      store.clear();
      log.length = 0;
      faults = { mode: FaultMode.none };
      auth.configure(options.auth ?? {});
    },
  };
  return api;
}
