/**
 * Pure planning of CloudWatch Logs PutLogEvents batches. The service rejects a
 * whole request (InvalidParameterException) when any of these limits is broken,
 * so every batch the shipper sends is cut here first:
 * - at most 10,000 events per request;
 * - at most 1,048,576 bytes per request, counted as the UTF-8 bytes of each
 *   message plus 26 bytes of per-event overhead;
 * - events in chronological order (ascending timestamp);
 * - the events of one request may not span more than 24 hours;
 * - one event (message + 26) may not exceed 256 KB, so longer messages are
 *   truncated by bytes, never inside a multi-byte character.
 */

/** Limits of one PutLogEvents request, as documented by AWS. */
export const PUT_LOG_EVENTS_LIMITS = {
  /** Events per request. */
  maxEvents: 10_000,
  /** Bytes per request (sum of message UTF-8 bytes + overhead per event). */
  maxBatchBytes: 1_048_576,
  /** Bytes CloudWatch adds to each event when counting the request size. */
  perEventOverheadBytes: 26,
  /** Bytes of one event including its overhead. */
  maxEventBytes: 262_144,
  /** Largest allowed distance between the first and the last timestamp of a request. */
  maxSpanMs: 24 * 60 * 60 * 1000,
} as const;

/** Largest message (UTF-8 bytes) that fits in one event. */
export const MAX_MESSAGE_BYTES = PUT_LOG_EVENTS_LIMITS.maxEventBytes - PUT_LOG_EVENTS_LIMITS.perEventOverheadBytes;

/** Appended to a message that was cut to fit in one event. */
export const TRUNCATION_MARKER = '...[TRUNCATED]';

/** Stand-in for an empty message: CloudWatch requires at least one character. */
export const EMPTY_MESSAGE = '(empty)';

/** One log event as PutLogEvents takes it. */
export interface InputLogEvent {
  /** Milliseconds since the epoch (integer). */
  timestamp: number;
  /** The log line; here always a JSON document. */
  message: string;
}

/** One request's worth of events. */
export interface PlannedBatch<T> {
  /** The source items of this batch, in the order of `logEvents`. */
  items: T[];
  /** What to send: sorted, truncated where needed. */
  logEvents: InputLogEvent[];
  /** Request size as CloudWatch counts it (message bytes + overhead per event). */
  bytes: number;
}

/** UTF-8 byte length of a string (lone surrogates count as the 3 bytes of U+FFFD, as they are sent). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Cuts `message` to at most `maxBytes` UTF-8 bytes including `marker`. The cut
 * steps back over UTF-8 continuation bytes so no character is split. Messages
 * that already fit are returned unchanged.
 */
export function truncateUtf8(message: string, maxBytes: number, marker: string = TRUNCATION_MARKER): string {
  if (utf8Bytes(message) <= maxBytes) return message;
  const markerBytes = utf8Bytes(marker);
  if (markerBytes > maxBytes) throw new RangeError('truncation marker longer than the byte limit');
  const buf = Buffer.from(message, 'utf8');
  let cut = maxBytes - markerBytes;
  // 0b10xxxxxx marks a continuation byte: the cut would land inside a character.
  while (cut > 0 && (buf[cut]! & 0xc0) === 0x80) cut--;
  return buf.subarray(0, cut).toString('utf8') + marker;
}

/** Returns the event ready to send: integer timestamp, non-empty message no longer than one event allows. */
export function prepareEvent(event: InputLogEvent): InputLogEvent {
  const message = event.message.length === 0 ? EMPTY_MESSAGE : truncateUtf8(event.message, MAX_MESSAGE_BYTES);
  return { timestamp: Math.trunc(event.timestamp), message };
}

/**
 * Sorts `items` by timestamp (stable: equal timestamps keep their order) and cuts
 * them into batches that each satisfy every PutLogEvents limit.
 */
export function planBatches<T extends InputLogEvent>(items: readonly T[]): PlannedBatch<T>[] {
  const { maxEvents, maxBatchBytes, perEventOverheadBytes, maxSpanMs } = PUT_LOG_EVENTS_LIMITS;
  const sorted = items
    .map((item, index) => ({ item, index, ts: Math.trunc(item.timestamp) }))
    .sort((a, b) => a.ts - b.ts || a.index - b.index);
  const batches: PlannedBatch<T>[] = [];
  let current: PlannedBatch<T> | undefined;
  let firstTs = 0;
  for (const { item } of sorted) {
    const logEvent = prepareEvent(item);
    const size = utf8Bytes(logEvent.message) + perEventOverheadBytes;
    if (
      current === undefined ||
      current.logEvents.length >= maxEvents ||
      current.bytes + size > maxBatchBytes ||
      logEvent.timestamp - firstTs > maxSpanMs
    ) {
      current = { items: [], logEvents: [], bytes: 0 };
      batches.push(current);
      firstTs = logEvent.timestamp;
    }
    current.items.push(item);
    current.logEvents.push(logEvent);
    current.bytes += size;
  }
  return batches;
}
