/**
 * Ships structured events to Amazon CloudWatch Logs (AWS SDK v3 client).
 *
 * Events are buffered in memory (bounded: the oldest are dropped when full) and
 * sent only by an explicit `flush()`, which a function awaits before it returns:
 * Cloud Functions throttles the CPU after the response, so no background timer
 * may be relied on. A flush is bounded by a time budget covering all its network
 * work (one AbortSignal handed to every SDK call), never throws, and leaves what
 * it could not send buffered, in order. Retries are a small bounded loop instead
 * of cockatiel's retry policy because every wait must also end with the budget.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type PutLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import { FailureKinds, ShipErrorCodes, classifyFailure, toShipError, type ShipError } from './cloudwatchErrors.js';
import { functionName, instanceId } from './instance.js';
import { MAX_MESSAGE_BYTES, planBatches, truncateUtf8, type InputLogEvent, type PlannedBatch } from './logEvents.js';
import { redactEvent } from './redact.js';
import type { ShipperStats } from '../api.js';
import { SHIPPER_DEFAULTS, type CallGuard, type CloudWatchShipperOptions, type FlushResult } from './shipperOptions.js';

export { SHIPPER_DEFAULTS, type CallGuard, type CloudWatchShipperOptions, type FlushResult } from './shipperOptions.js';

/** Outcome of one guarded attempt at sending a batch. */
type Attempt =
  | { kind: 'ok'; rejected: number }
  | { kind: 'data'; err: unknown }
  | { kind: 'config'; err: unknown }
  | { kind: 'retry' | 'stop'; error: ShipError };

/** A buffered event; object identity tracks it through a flush. */
type Entry = InputLogEvent;

/** Buffers structured events and ships them to CloudWatch Logs on `flush()`. */
export class CloudWatchShipper {
  readonly logGroup: string;
  readonly logStream: string;
  private readonly client: CloudWatchLogsClient;
  private readonly settings: { enabled: boolean } & { -readonly [K in keyof typeof SHIPPER_DEFAULTS]: number };
  private readonly guard: CallGuard | undefined;
  private buffer: Entry[] = [];
  private inFlight = 0;
  private flushing: Promise<FlushResult> | null = null;
  private counters = { sent: 0, failed: 0, dropped: 0 };
  private lastError: ShipError | null = null;
  private lastSuccessAt: number | null = null;

  constructor(options: CloudWatchShipperOptions) {
    const D = SHIPPER_DEFAULTS;
    this.settings = {
      enabled: options.enabled ?? true,
      timeoutMs: setting(options.timeoutMs, D.timeoutMs, 1),
      retryAttempts: Math.trunc(setting(options.retryAttempts, D.retryAttempts, 0)),
      retryDelayMs: setting(options.retryDelayMs, D.retryDelayMs, 0),
      maxBufferedEvents: Math.trunc(setting(options.maxBufferedEvents, D.maxBufferedEvents, 1)),
      flushBudgetMs: setting(options.flushBudgetMs, D.flushBudgetMs, 0),
    };
    this.logGroup = options.logGroup;
    this.logStream = options.logStream ?? `${functionName()}-${instanceId}`.replace(/[:*]/g, '_');
    this.guard = options.guard;
    this.client = new CloudWatchLogsClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 1, // retries are ours, so they stay inside the flush budget
      requestHandler: { requestTimeout: this.settings.timeoutMs, connectionTimeout: this.settings.timeoutMs },
    });
  }

  /** Whether shipping is on. */
  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Buffers one structured event (redacted again here: this is a sink). Never throws. */
  enqueue(event: Readonly<Record<string, unknown>>): void {
    if (!this.settings.enabled) return;
    let message: string;
    try {
      message = JSON.stringify(redactEvent(event));
    } catch (err) {
      const message = `An event could not be serialised and was skipped (${(err as Error).name}).`;
      this.lastError = { code: ShipErrorCodes.serialization, message, at: Date.now() };
      return;
    }
    // Truncated now rather than at send time, so an oversized event cannot hold megabytes in the buffer.
    this.buffer.push({ timestamp: eventTime(event), message: truncateUtf8(message, MAX_MESSAGE_BYTES) });
    const excess = this.buffer.length + this.inFlight - this.settings.maxBufferedEvents;
    if (excess > 0) this.dropOldest(Math.min(excess, this.buffer.length));
  }

  /**
   * Sends buffered events within `budgetMs` (default flushBudgetMs). Never throws;
   * unsent events stay buffered in order. Concurrent calls share the running flush.
   */
  flush(options: { budgetMs?: number } = {}): Promise<FlushResult> {
    if (!this.settings.enabled || (this.buffer.length === 0 && !this.flushing)) {
      return Promise.resolve({ sent: 0, failed: 0, remaining: this.buffer.length });
    }
    this.flushing ??= this.runFlush(options.budgetMs ?? this.settings.flushBudgetMs).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Counters snapshot. */
  stats(): ShipperStats {
    return {
      enabled: this.settings.enabled,
      buffered: this.buffer.length + this.inFlight,
      ...this.counters,
      lastError: this.lastError && { ...this.lastError },
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  /** Releases the SDK client's sockets (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }

  private dropOldest(n: number): void {
    this.buffer.splice(0, n);
    this.counters.dropped += n;
  }

  private async runFlush(budgetMs: number): Promise<FlushResult> {
    const deadline = Date.now() + budgetMs;
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), Math.max(0, budgetMs));
    timer.unref();
    const taken = this.buffer.splice(0);
    this.inFlight = taken.length;
    const before = { ...this.counters };
    let batches: PlannedBatch<Entry>[] = [];
    let next = 0;
    try {
      batches = planBatches(taken);
      while (next < batches.length && !budget.signal.aborted) {
        if (!(await this.sendBatch(batches[next]!, budget.signal, deadline))) break;
        next++;
      }
    } catch (err) {
      this.lastError = toShipError(FailureKinds.transient, err, Date.now()); // defensive: flush never throws
    } finally {
      clearTimeout(timer);
      const unsent = new Set(batches.slice(next).flatMap((b) => b.items));
      const remaining = batches.length === 0 ? taken : taken.filter((e) => unsent.has(e));
      this.inFlight = 0;
      this.buffer = remaining.concat(this.buffer);
      const excess = this.buffer.length - this.settings.maxBufferedEvents;
      if (excess > 0) this.dropOldest(excess);
    }
    return {
      sent: this.counters.sent - before.sent,
      failed: this.counters.failed - before.failed,
      remaining: this.buffer.length,
    };
  }

  /** Sends one batch with retries; returns false when the flush must stop (batch kept). */
  private async sendBatch(batch: PlannedBatch<Entry>, budget: AbortSignal, deadline: number): Promise<boolean> {
    for (let retry = 0; ; retry++) {
      const attempt = await this.attempt(batch, budget);
      const now = Date.now();
      if (attempt.kind === 'ok') {
        this.counters.sent += batch.items.length - attempt.rejected;
        this.counters.failed += attempt.rejected;
        this.lastSuccessAt = now;
        if (attempt.rejected > 0) {
          const message = `CloudWatch Logs refused ${attempt.rejected} event(s) as too old or too far in the future; they were dropped.`;
          this.lastError = { code: ShipErrorCodes.partiallyRejected, message, at: now };
        }
        return true;
      }
      if (attempt.kind === 'data') {
        this.counters.failed += batch.items.length;
        this.lastError = toShipError(FailureKinds.data, attempt.err, now);
        return true;
      }
      if (attempt.kind === 'config') {
        this.lastError = toShipError(FailureKinds.config, attempt.err, now);
        return false;
      }
      this.lastError = attempt.error;
      if (attempt.kind === 'stop' || retry >= this.settings.retryAttempts) return false;
      const delay = this.settings.retryDelayMs * 2 ** retry;
      if (now + delay >= deadline || !(await sleep(delay, budget))) return false;
    }
  }

  /** One guarded attempt: put, and on a missing destination create it and put again. */
  private async attempt(batch: PlannedBatch<Entry>, budget: AbortSignal): Promise<Attempt> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    let thrown: unknown = undefined;
    const run = async (guardSignal?: AbortSignal): Promise<Attempt> => {
      const signal = AbortSignal.any(guardSignal ? [budget, timeout, guardSignal] : [budget, timeout]);
      try {
        try {
          return okResult(batch, await this.put(batch, signal));
        } catch (err) {
          if (classifyFailure(err) !== FailureKinds.notFound) throw err;
          await this.createDestination(signal);
          return okResult(batch, await this.put(batch, signal));
        }
      } catch (err) {
        const kind = classifyFailure(err);
        if (kind === FailureKinds.accepted) return { kind: 'ok', rejected: 0 };
        // Refusals of the data or the credentials are answers, not outages: keep them from the breaker.
        if (kind === FailureKinds.data) return { kind: 'data', err };
        if (kind === FailureKinds.config) return { kind: 'config', err };
        thrown = err;
        throw err;
      }
    };
    try {
      return await (this.guard ? this.guard.execute(run) : run());
    } catch (err) {
      const at = Date.now();
      if (budget.aborted) return { kind: 'stop', error: toShipError('budget', err, at) };
      if (err !== thrown) return { kind: 'stop', error: toShipError('guard', err, at) };
      if (timeout.aborted) return { kind: 'retry', error: toShipError('timeout', err, at) };
      const kind = classifyFailure(err);
      return { kind: kind === FailureKinds.aborted ? 'stop' : 'retry', error: toShipError(kind, err, at) };
    }
  }

  private put(batch: PlannedBatch<Entry>, abortSignal: AbortSignal): Promise<PutLogEventsCommandOutput> {
    const command = new PutLogEventsCommand({
      logGroupName: this.logGroup,
      logStreamName: this.logStream,
      logEvents: batch.logEvents,
    });
    return this.client.send(command, { abortSignal });
  }

  /** Creates the group then the stream; "already exists" counts as success. */
  private async createDestination(abortSignal: AbortSignal): Promise<void> {
    const ignoreExists = (err: unknown) => {
      if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException') throw err;
    };
    await this.client
      .send(new CreateLogGroupCommand({ logGroupName: this.logGroup }), { abortSignal })
      .catch(ignoreExists);
    await this.client
      .send(new CreateLogStreamCommand({ logGroupName: this.logGroup, logStreamName: this.logStream }), { abortSignal })
      .catch(ignoreExists);
  }
}

function okResult(batch: PlannedBatch<Entry>, out: PutLogEventsCommandOutput): Attempt {
  const info = out.rejectedLogEventsInfo;
  if (!info) return { kind: 'ok', rejected: 0 };
  const n = batch.logEvents.length;
  const tooOld = Math.max(info.tooOldLogEventEndIndex ?? -1, info.expiredLogEventEndIndex ?? -1) + 1;
  const tooNew = info.tooNewLogEventStartIndex === undefined ? 0 : n - info.tooNewLogEventStartIndex;
  return { kind: 'ok', rejected: Math.min(n, tooOld + tooNew) };
}

/** Event time: its `timestamp`, else its EMF `_aws.Timestamp`, else now. */
function eventTime(event: Readonly<Record<string, unknown>>): number {
  const aws = event._aws as { Timestamp?: unknown } | undefined;
  const t = typeof event.timestamp === 'number' ? event.timestamp : aws?.Timestamp;
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? Math.trunc(t) : Date.now();
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. The timer never holds the process. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A numeric setting, or its default when missing or unusable (NaN from a bad env value, below `min`). */
function setting(value: number | undefined, fallback: number, min: number): number {
  return value !== undefined && Number.isFinite(value) && value >= min ? value : fallback;
}
