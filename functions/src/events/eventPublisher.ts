import { logEvent } from '../observability/logs/logger.js';
import type { MetricsAggregator } from '../observability/metrics/emf.js';
import type { DisputeEventData, PaymentEventData, PublishedEventType, RefundEventData } from '../api/index.js';

/** One CloudEvent as published: the fields set here (the SDK adds `id`, `time` and `specversion`). */
export interface OutgoingEvent {
  type: PublishedEventType;
  source: string;
  /** The transactionId: what the event is about. */
  subject: string;
  data: PaymentEventData | RefundEventData | DisputeEventData;
}

/** Where events go: one CloudEvent per call (eventarcChannel.ts: an Eventarc channel; tests: a fake). */
export type PublishPort = (event: OutgoingEvent) => Promise<void>;

/** How one publish ended (the `Outcome` dimension of PublishedEvents). */
export type PublishOutcome = 'published' | 'failed' | 'timeout' | 'refused';

/** What the publisher needs. */
export interface EventPublisherDeps {
  port: PublishPort;
  /** Longest wait for one publish, ms (EVENTARC_PUBLISH_MS). */
  timeoutMs: number;
  metrics: Pick<MetricsAggregator, 'recordEventPublish'>;
  now?: () => number;
}

/**
 * Publishes events for other systems without letting them touch a payment:
 * `publish` starts at once (right after the ledger commit the event tells of)
 * and never throws; each publish is bounded by `timeoutMs`; a failure or a
 * timeout is logged (`events.publish_failed`, WARNING) and counted
 * (PublishedEvents, Outcome failed/timeout), and the payment's answer stays
 * what it was. Cloud Functions throttles the CPU once a call has answered, so
 * the end-of-call work waits for the publishes a call started (`settle`)
 * before the answer leaves; a publish past its bound is given up on (the
 * SDK's request cannot be aborted: a late success is not counted).
 */
export class EventPublisher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly deps: EventPublisherDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts publishing `event`; never throws. */
  publish(event: OutgoingEvent): void {
    const started = this.now();
    const done = this.bounded(event).then((outcome) => this.record(event, outcome, started));
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** An event the contract refused to publish (a shape the mapping could not make): logged and counted, not sent. */
  refused(eventType: string, transactionId: string | undefined, error: unknown): void {
    this.deps.metrics.recordEventPublish({ eventType, outcome: 'refused', latencyMs: 0 });
    logEvent('events.publish_failed', { transactionId, eventType, outcome: 'refused', error }, 'WARNING');
  }

  /** Waits for every publish started so far (each within its bound); true when there was one. Never throws. */
  async settle(): Promise<boolean> {
    if (this.inFlight.size === 0) return false;
    await Promise.all([...this.inFlight]);
    return true;
  }

  /** The port's answer within the bound: `published`, or why not (the error, for the log). */
  private async bounded(event: OutgoingEvent): Promise<{ outcome: PublishOutcome; error?: unknown }> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ outcome: PublishOutcome }>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'timeout' }), this.deps.timeoutMs);
    });
    // Called at once; a port that throws rather than rejects fails the same way.
    const port = (async () => {
      await this.deps.port(event);
    })();
    const sent = port.then(
      () => ({ outcome: 'published' as const }),
      (error: unknown) => ({ outcome: 'failed' as const, error }),
    );
    try {
      return await Promise.race([sent, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(event: OutgoingEvent, r: { outcome: PublishOutcome; error?: unknown }, started: number): void {
    const latencyMs = this.now() - started;
    this.deps.metrics.recordEventPublish({ eventType: event.type, outcome: r.outcome, latencyMs });
    if (r.outcome === 'published') return;
    logEvent(
      'events.publish_failed',
      {
        transactionId: event.subject,
        eventType: event.type,
        outcome: r.outcome,
        durationMs: latencyMs,
        ...(r.outcome === 'timeout' ? { errorMessage: `no answer within ${this.deps.timeoutMs} ms` } : {}),
        ...(r.error === undefined ? {} : { error: r.error }),
      },
      'WARNING',
    );
  }
}
