/**
 * A strict local stand-in for Amazon CloudWatch Logs, speaking the real JSON 1.1
 * protocol (POST / with `X-Amz-Target: Logs_20140328.<Action>`), so the real
 * AWS SDK client can be pointed at it with `endpoint: url`.
 *
 * It enforces the PutLogEvents limits the real service enforces (count, bytes,
 * order, 24 h span, event size) and answers errors the way the service does
 * (HTTP 400 + `{"__type": ..., "message": ...}`), so a client that passes here
 * does not fail in production for a limit reason. Signatures are not checked;
 * only the presence of a SigV4 Authorization header is.
 *
 * Test hooks: `setFaults()` in-process or `PUT /__control/faults` over HTTP,
 * `GET /__control/events?logGroup=` to read what was stored.
 * Runs directly on Node 24 (type stripping): node built-ins only.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/** Fault modes that can be switched on at runtime. */
export const FaultMode = { none: 'none', throttle: 'throttle', error500: 'error500', hang: 'hang' } as const;
export type FaultMode = (typeof FaultMode)[keyof typeof FaultMode];

/** Injected failure: `count` requests (all while unset) answer with `mode`, optionally only for some actions. */
export interface Faults {
  mode: FaultMode;
  count?: number;
  actions?: string[];
}

/** One stored log event. */
export interface StoredEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** Snapshot of one log group and its streams. */
export interface GroupSnapshot {
  logGroupName: string;
  creationTime: number;
  streams: { logStreamName: string; creationTime: number; events: StoredEvent[] }[];
}

/** One request as the endpoint saw it (newest last). */
export interface RequestRecord {
  action: string;
  status: number;
  errorType?: string;
  at: number;
  eventCount?: number;
}

/** Handle of a running endpoint. */
export interface CloudWatchLocal {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(faults: Faults): void;
  groups(): GroupSnapshot[];
  requests(): RequestRecord[];
  reset(): void;
}

/** Limits of the real service (PutLogEvents quotas). */
export const LIMITS = {
  maxEvents: 10_000,
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxEventBytes: 262_144,
  maxSpanMs: 24 * 3_600_000,
  maxAgeMs: 14 * 24 * 3_600_000,
  maxFutureMs: 2 * 3_600_000,
} as const;

const TARGET_PREFIX = 'Logs_20140328.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const GROUP_NAME_RE = /^[.\-_/#A-Za-z0-9]{1,512}$/;

interface Stream {
  logStreamName: string;
  creationTime: number;
  events: StoredEvent[];
  lastIngestionTime?: number;
}
interface Group {
  logGroupName: string;
  creationTime: number;
  streams: Map<string, Stream>;
}
type Body = Record<string, unknown>;

/** An error answered the way CloudWatch Logs answers it. */
class ApiError extends Error {
  type: string;
  status: number;
  constructor(type: string, message: string, status = 400) {
    super(message);
    this.type = type;
    this.status = status;
  }
}
const invalid = (message: string) => new ApiError('InvalidParameterException', message);
const notFound = (what: 'group' | 'stream') =>
  new ApiError('ResourceNotFoundException', `The specified log ${what} does not exist.`);

function str(body: Body, key: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${key} is required and must be a non-empty string.`);
  return v;
}
function int(body: Body, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v)) throw invalid(`${key} must be an integer.`);
  return v as number;
}
function token(prefix: string, n: number): string {
  return `${prefix}/${String(n).padStart(20, '0')}`;
}
function parseToken(raw: unknown, prefixes: string[]): { prefix: string; n: number } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const m = typeof raw === 'string' ? /^([a-z])\/(\d{1,20})$/.exec(raw) : null;
  if (!m || !prefixes.includes(m[1]!)) throw invalid('The specified nextToken is invalid.');
  return { prefix: m[1]!, n: Number(m[2]) };
}

/** Starts the endpoint on `host:port` (port 0 = any free port). */
export async function startCloudWatchLocal(options: { port?: number; host?: string } = {}): Promise<CloudWatchLocal> {
  const host = options.host ?? '127.0.0.1';
  const store = new Map<string, Group>();
  const log: RequestRecord[] = [];
  let faults: Faults = { mode: FaultMode.none };
  let seq = 0;

  function group(body: Body): Group {
    const name = (body.logGroupName ?? body.logGroupIdentifier) as unknown;
    if (typeof name !== 'string' || name.length === 0) throw invalid('logGroupName is required.');
    const g = store.get(name);
    if (!g) throw notFound('group');
    return g;
  }
  function stream(body: Body): { g: Group; s: Stream } {
    const g = group(body);
    const s = g.streams.get(str(body, 'logStreamName')!);
    if (!s) throw notFound('stream');
    return { g, s };
  }

  const actions: Record<string, (body: Body, now: number) => Body | null> = {
    CreateLogGroup(body, now) {
      const name = str(body, 'logGroupName')!;
      if (!GROUP_NAME_RE.test(name)) throw invalid(`Invalid log group name: ${name}`);
      if (store.has(name)) throw new ApiError('ResourceAlreadyExistsException', 'The specified log group already exists');
      store.set(name, { logGroupName: name, creationTime: now, streams: new Map() });
      return null;
    },
    CreateLogStream(body, now) {
      const g = group(body);
      const name = str(body, 'logStreamName')!;
      if (name.length > 512 || /[:*]/.test(name)) throw invalid(`Invalid log stream name: ${name}`);
      if (g.streams.has(name)) throw new ApiError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      g.streams.set(name, { logStreamName: name, creationTime: now, events: [] });
      return null;
    },
    DescribeLogGroups(body) {
      const prefix = str(body, 'logGroupNamePrefix', false) ?? '';
      const logGroups = [...store.values()]
        .filter((g) => g.logGroupName.startsWith(prefix))
        .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName))
        .map((g) => ({ logGroupName: g.logGroupName, creationTime: g.creationTime, storedBytes: 0 }));
      return { logGroups };
    },
    DescribeLogStreams(body) {
      const g = group(body);
      const prefix = str(body, 'logStreamNamePrefix', false);
      const orderBy = body.orderBy ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') throw invalid('orderBy must be LogStreamName or LastEventTime.');
      if (prefix !== undefined && orderBy === 'LastEventTime') throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const limit = int(body, 'limit') ?? 50;
      if (limit < 1 || limit > 50) throw invalid('limit must be between 1 and 50.');
      const lastTs = (s: Stream) => s.events.at(-1)?.timestamp ?? 0;
      const all = [...g.streams.values()]
        .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
        .sort((a, b) => (orderBy === 'LastEventTime' ? lastTs(a) - lastTs(b) : a.logStreamName.localeCompare(b.logStreamName)));
      if (body.descending === true) all.reverse();
      const start = parseToken(body.nextToken, ['s'])?.n ?? 0;
      const page = all.slice(start, start + limit).map((s) => ({
        logStreamName: s.logStreamName,
        creationTime: s.creationTime,
        firstEventTimestamp: s.events[0]?.timestamp,
        lastEventTimestamp: s.events.at(-1)?.timestamp,
        lastIngestionTime: s.lastIngestionTime,
        arn: `arn:aws:logs:us-east-1:000000000000:log-group:${g.logGroupName}:log-stream:${s.logStreamName}`,
        storedBytes: 0,
      }));
      return start + limit < all.length ? { logStreams: page, nextToken: token('s', start + limit) } : { logStreams: page };
    },
    PutLogEvents(body, now) {
      const { s } = stream(body);
      const events = body.logEvents;
      if (!Array.isArray(events) || events.length === 0) throw invalid('logEvents must contain at least one event.');
      if (events.length > LIMITS.maxEvents) throw invalid(`logEvents must contain at most ${LIMITS.maxEvents} events.`);
      let bytes = 0;
      for (const [i, e] of events.entries()) {
        const ev = e as Body;
        if (!Number.isSafeInteger(ev?.timestamp) || (ev.timestamp as number) < 0) throw invalid(`logEvents.${i}.timestamp must be a non-negative integer.`);
        if (typeof ev.message !== 'string' || ev.message.length === 0) throw invalid(`logEvents.${i}.message must be a non-empty string.`);
        const size = Buffer.byteLength(ev.message, 'utf8') + LIMITS.perEventOverheadBytes;
        if (size > LIMITS.maxEventBytes) throw invalid(`Log event too large: ${size} bytes exceeds the limit of ${LIMITS.maxEventBytes} bytes.`);
        if (i > 0 && (ev.timestamp as number) < ((events[i - 1] as Body).timestamp as number)) {
          throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
        }
        bytes += size;
      }
      if (bytes > LIMITS.maxBatchBytes) throw invalid(`Upload too large: ${bytes} bytes exceeds the limit of ${LIMITS.maxBatchBytes} bytes.`);
      const first = (events[0] as Body).timestamp as number;
      const last = (events.at(-1) as Body).timestamp as number;
      if (last - first > LIMITS.maxSpanMs) throw invalid('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
      // Too old / too new events are not stored and reported back, like the real service.
      const rejected: Body = {};
      events.forEach((e, i) => {
        const ts = (e as Body).timestamp as number;
        if (ts < now - LIMITS.maxAgeMs) rejected.tooOldLogEventEndIndex = i;
        else if (ts > now + LIMITS.maxFutureMs) rejected.tooNewLogEventStartIndex ??= i;
        else s.events.push({ timestamp: ts, message: (e as Body).message as string, ingestionTime: now, eventId: String(++seq).padStart(56, '0') });
      });
      s.events.sort((a, b) => a.timestamp - b.timestamp); // stable: keeps arrival order for equal timestamps
      s.lastIngestionTime = now;
      const out: Body = { nextSequenceToken: String(seq).padStart(56, '4') };
      if (Object.keys(rejected).length > 0) out.rejectedLogEventsInfo = rejected;
      return out;
    },
    GetLogEvents(body) {
      const { s } = stream(body);
      const startTime = int(body, 'startTime') ?? 0;
      const endTime = int(body, 'endTime') ?? Number.MAX_SAFE_INTEGER;
      const limit = int(body, 'limit') ?? 10_000;
      if (limit < 1 || limit > 10_000) throw invalid('limit must be between 1 and 10000.');
      const all = s.events.filter((e) => e.timestamp >= startTime && e.timestamp < endTime);
      const t = parseToken(body.nextToken, ['f', 'b']);
      let from: number;
      if (t?.prefix === 'f') from = Math.min(t.n, all.length);
      else if (t?.prefix === 'b') from = Math.max(0, Math.min(t.n, all.length) - limit);
      else from = body.startFromHead === true ? 0 : Math.max(0, all.length - limit);
      const to = t?.prefix === 'b' ? Math.min(t.n, all.length) : Math.min(all.length, from + limit);
      return {
        events: all.slice(from, to).map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
        nextForwardToken: token('f', to),
        nextBackwardToken: token('b', from),
      };
    },
    FilterLogEvents(body) {
      const g = group(body);
      const names = body.logStreamNames as unknown;
      const prefix = str(body, 'logStreamNamePrefix', false);
      const startTime = int(body, 'startTime') ?? 0;
      const endTime = int(body, 'endTime') ?? Number.MAX_SAFE_INTEGER;
      const limit = int(body, 'limit') ?? 10_000;
      const pattern = typeof body.filterPattern === 'string' ? body.filterPattern.trim() : '';
      // Simple subset of the filter syntax: a "quoted phrase" or space-separated terms that must all appear.
      const terms = /^".*"$/.test(pattern) ? [pattern.slice(1, -1)] : pattern.split(/\s+/).filter(Boolean);
      const matches: Body[] = [];
      for (const s of g.streams.values()) {
        if (Array.isArray(names) && !names.includes(s.logStreamName)) continue;
        if (prefix !== undefined && !s.logStreamName.startsWith(prefix)) continue;
        for (const e of s.events) {
          if (e.timestamp < startTime || e.timestamp >= endTime) continue;
          if (!terms.every((term) => e.message.includes(term))) continue;
          matches.push({ logStreamName: s.logStreamName, ...e });
        }
      }
      matches.sort((a, b) => (a.timestamp as number) - (b.timestamp as number));
      const start = parseToken(body.nextToken, ['n'])?.n ?? 0;
      const events = matches.slice(start, start + limit);
      return start + limit < matches.length ? { events, nextToken: token('n', start + limit) } : { events };
    },
  };

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
    const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
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
      const events = api.groups()
        .filter((g) => !wantGroup || g.logGroupName === wantGroup)
        .flatMap((g) => g.streams
          .filter((s) => !wantStream || s.logStreamName === wantStream)
          .flatMap((s) => s.events.map((e) => ({ logGroupName: g.logGroupName, logStreamName: s.logStreamName, ...e }))));
      json(200, { events });
    } else if (url.pathname === '/__control/reset' && req.method === 'POST') {
      api.reset();
      json(200, { ok: true });
    } else json(404, { message: 'Unknown control route' });
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/__control/')) return control(req, res, url, raw);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const record: RequestRecord = { action: action || '(none)', status: 0, at: Date.now() };
    log.push(record);
    if (log.length > 10_000) log.shift();
    const done = (status: number, errorType?: string) => Object.assign(record, { status }, errorType ? { errorType } : {});
    try {
      if (req.method !== 'POST' || url.pathname !== '/') throw new ApiError('UnknownOperationException', 'Only POST / is supported.', 404);
      if (!Object.hasOwn(actions, action)) throw new ApiError('UnknownOperationException', `Unknown operation: ${target}`);
      if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) throw new ApiError('SerializationException', `Content-Type must be ${CONTENT_TYPE}.`);
      const fault = takeFault(action);
      if (fault === 'hang') return void done(0, 'hang'); // never answered; close() destroys the socket
      if (fault) throw fault;
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new ApiError('MissingAuthenticationTokenException', 'Missing SigV4 Authorization header.');
      }
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
      const apiErr = err instanceof ApiError ? err : new ApiError('ServiceUnavailableException', (err as Error).message, 500);
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
      if (!res.headersSent) handle(req, res, Buffer.concat(chunks).toString('utf8'));
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
      if (next.count !== undefined && (!Number.isSafeInteger(next.count) || next.count < 1)) throw new Error('count must be a positive integer');
      faults = { ...next, ...(next.actions ? { actions: [...next.actions] } : {}) };
    },
    groups: () =>
      [...store.values()].map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: g.creationTime,
        streams: [...g.streams.values()].map((s) => ({ logStreamName: s.logStreamName, creationTime: s.creationTime, events: s.events.map((e) => ({ ...e })) })),
      })),
    requests: () => log.map((r) => ({ ...r })),
    reset() {
      store.clear();
      log.length = 0;
      faults = { mode: FaultMode.none };
    },
  };
  return api;
}
