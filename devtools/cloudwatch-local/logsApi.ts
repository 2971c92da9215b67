/**
 * The CloudWatch Logs API of the local endpoint: the in-memory store of log
 * groups and streams, and one handler per supported JSON 1.1 action. It
 * enforces the PutLogEvents limits the real service enforces (count, bytes,
 * order, 24 h span, event size) and throws {@link ApiError} answers shaped like
 * the service's. server.ts carries them over HTTP.
 */

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

const GROUP_NAME_RE = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** One log stream as stored. */
export interface Stream {
  logStreamName: string;
  creationTime: number;
  events: StoredEvent[];
  lastIngestionTime?: number;
}
/** One log group as stored, its streams by name. */
export interface Group {
  logGroupName: string;
  creationTime: number;
  streams: Map<string, Stream>;
}
/** A parsed JSON request or response body. */
export type Body = Record<string, unknown>;
/** Handles one action: returns the response body (null: empty body) or throws an {@link ApiError}. */
export type Action = (body: Body, now: number) => Body | null;

/** An error answered the way CloudWatch Logs answers it. */
export class ApiError extends Error {
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
/** `limit` of the Describe* actions: 1 to 50, default 50. */
function pageLimit(body: Body): number {
  const limit = int(body, 'limit') ?? 50;
  if (limit < 1 || limit > 50) throw invalid('limit must be between 1 and 50.');
  return limit;
}
function parseToken(raw: unknown, prefixes: string[]): { prefix: string; n: number } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const m = typeof raw === 'string' ? /^([a-z])\/(\d{1,20})$/.exec(raw) : null;
  if (!m || !prefixes.includes(m[1]!)) throw invalid('The specified nextToken is invalid.');
  return { prefix: m[1]!, n: Number(m[2]) };
}

/**
 * The action handlers over `store`, keyed by action name (`X-Amz-Target` without
 * its prefix). Event ids and sequence tokens count up for the life of the
 * handlers, also across a cleared store, like the real service's.
 */
export function createLogsActions(store: Map<string, Group>): Record<string, Action> {
  let seq = 0;

  function group(body: Body): Group {
    const name = body.logGroupName ?? body.logGroupIdentifier;
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

  return {
    CreateLogGroup(body, now) {
      const name = str(body, 'logGroupName')!;
      if (!GROUP_NAME_RE.test(name)) throw invalid(`Invalid log group name: ${name}`);
      if (store.has(name))
        throw new ApiError('ResourceAlreadyExistsException', 'The specified log group already exists');
      store.set(name, { logGroupName: name, creationTime: now, streams: new Map() });
      return null;
    },
    CreateLogStream(body, now) {
      const g = group(body);
      const name = str(body, 'logStreamName')!;
      if (name.length > 512 || /[:*]/.test(name)) throw invalid(`Invalid log stream name: ${name}`);
      if (g.streams.has(name))
        throw new ApiError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      g.streams.set(name, { logStreamName: name, creationTime: now, events: [] });
      return null;
    },
    DescribeLogGroups(body) {
      const prefix = str(body, 'logGroupNamePrefix', false) ?? '';
      const limit = pageLimit(body);
      const all = [...store.values()]
        .filter((g) => g.logGroupName.startsWith(prefix))
        .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
      const start = parseToken(body.nextToken, ['g'])?.n ?? 0;
      const logGroups = all.slice(start, start + limit).map((g) => ({
        logGroupName: g.logGroupName,
        creationTime: g.creationTime,
        arn: `arn:aws:logs:us-east-1:000000000000:log-group:${g.logGroupName}:*`,
        storedBytes: 0,
      }));
      return start + limit < all.length ? { logGroups, nextToken: token('g', start + limit) } : { logGroups };
    },
    DescribeLogStreams(body) {
      const g = group(body);
      const prefix = str(body, 'logStreamNamePrefix', false);
      const orderBy = body.orderBy ?? 'LogStreamName';
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime')
        throw invalid('orderBy must be LogStreamName or LastEventTime.');
      if (prefix !== undefined && orderBy === 'LastEventTime')
        throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      const limit = pageLimit(body);
      const lastTs = (s: Stream) => s.events.at(-1)?.timestamp ?? 0;
      const all = [...g.streams.values()]
        .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
        .sort((a, b) =>
          orderBy === 'LastEventTime' ? lastTs(a) - lastTs(b) : a.logStreamName.localeCompare(b.logStreamName),
        );
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
      return start + limit < all.length
        ? { logStreams: page, nextToken: token('s', start + limit) }
        : { logStreams: page };
    },
    PutLogEvents(body, now) {
      const { s } = stream(body);
      const events = body.logEvents;
      if (!Array.isArray(events) || events.length === 0) throw invalid('logEvents must contain at least one event.');
      if (events.length > LIMITS.maxEvents) throw invalid(`logEvents must contain at most ${LIMITS.maxEvents} events.`);
      let bytes = 0;
      for (const [i, e] of events.entries()) {
        const ev = e as Body;
        if (!Number.isSafeInteger(ev?.timestamp) || (ev.timestamp as number) < 0)
          throw invalid(`logEvents.${i}.timestamp must be a non-negative integer.`);
        if (typeof ev.message !== 'string' || ev.message.length === 0)
          throw invalid(`logEvents.${i}.message must be a non-empty string.`);
        const size = Buffer.byteLength(ev.message, 'utf8') + LIMITS.perEventOverheadBytes;
        if (size > LIMITS.maxEventBytes)
          throw invalid(`Log event too large: ${size} bytes exceeds the limit of ${LIMITS.maxEventBytes} bytes.`);
        if (i > 0 && (ev.timestamp as number) < ((events[i - 1] as Body).timestamp as number)) {
          throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
        }
        bytes += size;
      }
      if (bytes > LIMITS.maxBatchBytes)
        throw invalid(`Upload too large: ${bytes} bytes exceeds the limit of ${LIMITS.maxBatchBytes} bytes.`);
      const first = (events[0] as Body).timestamp as number;
      const last = (events.at(-1) as Body).timestamp as number;
      if (last - first > LIMITS.maxSpanMs)
        throw invalid('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
      // Too old / too new events are not stored and reported back, like the real service.
      const rejected: Body = {};
      events.forEach((e, i) => {
        const ts = (e as Body).timestamp as number;
        if (ts < now - LIMITS.maxAgeMs) rejected.tooOldLogEventEndIndex = i;
        else if (ts > now + LIMITS.maxFutureMs) rejected.tooNewLogEventStartIndex ??= i;
        else
          s.events.push({
            timestamp: ts,
            message: (e as Body).message as string,
            ingestionTime: now,
            eventId: String(++seq).padStart(56, '0'),
          });
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
        events: all
          .slice(from, to)
          .map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime })),
        nextForwardToken: token('f', to),
        nextBackwardToken: token('b', from),
      };
    },
    FilterLogEvents(body) {
      const g = group(body);
      const names = body.logStreamNames;
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
}

/** A deep copy of `store`, safe to hand out. */
export function snapshotGroups(store: Map<string, Group>): GroupSnapshot[] {
  return [...store.values()].map((g) => ({
    logGroupName: g.logGroupName,
    creationTime: g.creationTime,
    streams: [...g.streams.values()].map((s) => ({
      logStreamName: s.logStreamName,
      creationTime: s.creationTime,
      events: s.events.map((e) => ({ ...e })),
    })),
  }));
}
