/**
 * What listens to the mechanisms' events (the mechanisms only emit): logs,
 * EMF metrics and the instance's incident log. Wired once per instance by
 * runtime.ts. Listeners are cheap and never write anything themselves: the
 * incident log is published with the instance's stats snapshot.
 */
import { IncidentKind } from '../api/index.js';
import { BreakerStateClock } from '../observability/metrics/breakerStateClock.js';
import type { MetricsAggregator } from '../observability/metrics/emf.js';
import type { ThrottledLog } from '../observability/logs/throttledLog.js';
import { logEvent } from '../observability/logs/logger.js';
import type { PaymentEvent, ReconcileEvent } from '../payments/paymentEvents.js';
import { PAYMENT_SERVICE } from '../payments/provider/paymentProvider.js';
import type { AppCheckEvents } from '../access/appCheck.js';
import type { BreakerRegistry } from '../resilience/breaker/index.js';
import type { IncidentLog } from '../stats/incidentLog.js';
import type { RejectionCounter } from '../stats/rejections.js';
import type { StatsPublisher } from '../stats/instanceStats.js';
import type { WebhookEvents } from '../webhooks/webhookEvents.js';

/** The sinks events go to. */
export interface Sinks {
  metrics: MetricsAggregator;
  incidents: IncidentLog;
  stats: Pick<StatsPublisher, 'markDirty'>;
  rejections: Pick<RejectionCounter, 'record'>;
}

/** The endpoint label of an attempt when the provider has one base URL (several: the event names it). */
export const SINGLE_ENDPOINT = 'endpoint-1';

/**
 * Breaker transitions: logged and counted once for the fleet (by the instance
 * that made them), kept in the incident log, and timed per state as this
 * instance saw them (BreakerStateTime). A transition publishes the snapshot at
 * the next call's end.
 */
export function subscribeBreakers(breakers: BreakerRegistry, sinks: Sinks, now = Date.now): void {
  const clock = new BreakerStateClock();
  for (const name of breakers.names()) clock.start(name, breakers.get(name).snapshot().state, now());
  sinks.metrics.onDrain((at) => {
    for (const t of clock.take(at)) sinks.metrics.recordBreakerStateTime(t);
  });
  breakers.onTransition((t) => {
    sinks.stats.markDirty();
    clock.transition(t.service, t.to, t.at);
    if (t.reason === 'synced') return; // the instance that made the change reports it once for the fleet
    logEvent(
      'breaker.transition',
      {
        service: t.service,
        breakerState: t.to,
        from: t.from,
        reason: t.reason,
        failureRate: t.failureRate,
        calls: t.calls,
      },
      t.to === 'open' ? 'WARNING' : 'NOTICE',
    );
    sinks.metrics.recordBreakerTransition({ service: t.service, to: t.to });
    const why = t.to === 'open' && t.calls > 0 ? `, ${Math.round(t.failureRate)} % of ${t.calls} calls failed` : '';
    sinks.incidents.record({
      at: t.at,
      kind: IncidentKind.breakerTransition,
      subject: t.service,
      summary: t.from === t.to ? `${t.reason} while ${t.to}` : `${t.from} -> ${t.to} (${t.reason}${why})`,
    });
  });
}

/** Rejection reasons of `payment.completed` error codes (user limits carry their own `reason`). */
const REJECTION_BY_CODE: Partial<Record<string, string>> = { PAYMENT_RATE_LIMITED: 'provider-rate-limit' };

/**
 * A call refused by `reason`: a metric, the instance's refusal counter and a counted incident. A new
 * minute's entry publishes the snapshot at the call's end (at most one write
 * per reason and minute); later refusals of that minute ride on the next one.
 */
function rejected(sinks: Sinks, reason: string, at: number, what = 'payments'): void {
  sinks.metrics.recordRejection({ reason });
  sinks.rejections.record(reason);
  const summary = `${what} refused: ${reason}`;
  if (sinks.incidents.count({ at, kind: IncidentKind.rejection, subject: reason, summary })) sinks.stats.markDirty();
}

/**
 * Payment and reconciliation events: every one is logged under its `type`;
 * the end of each payment is a metric (outcome, latency), each attempt's
 * duration per endpoint too, and refusals (open breaker, user limits, provider
 * 429s) are counted by reason.
 */
export function paymentEventSink(sinks: Sinks, now = Date.now): (e: PaymentEvent | ReconcileEvent) => void {
  const { metrics } = sinks;
  return (e) => {
    // The writer's own lines (payment.completed, the webhook's, reconciliation's) say it: for the Eventarc publisher.
    if (e.type === 'payment.settled') return;
    const { type, severity, ...fields } = e;
    logEvent(type, { service: PAYMENT_SERVICE, ...fields }, severity);
    switch (e.type) {
      case 'payment.claim_lost':
        metrics.recordLedgerIncident({ kind: 'lostClaims' });
        return;
      case 'payment.charge_mismatch':
        metrics.recordLedgerIncident({ kind: 'mismatches' });
        return;
      case 'payment.late_success':
        metrics.recordLedgerIncident({ kind: 'lateSuccesses' });
        return;
      case 'payment.attempt':
        if (e.outcome === 'breaker-open') rejected(sinks, 'breaker-open', now());
        if (e.durationMs !== undefined) {
          metrics.recordAttempt({
            service: e.service ?? PAYMENT_SERVICE,
            endpoint: e.endpoint ?? SINGLE_ENDPOINT,
            latencyMs: e.durationMs,
          });
        }
        return;
      case 'payment.completed': {
        metrics.recordPayment({
          outcome: e.outcome,
          latencyMs: e.latencyMs,
          ...(e.attempts === undefined ? {} : { attempts: e.attempts }),
        });
        const reason = e.reason ?? REJECTION_BY_CODE[e.outcome];
        if (reason) rejected(sinks, reason, now());
        return;
      }
      case 'payment.provider_auth_rejected':
      case 'payment.final_conflict':
      case 'payment.ledger_write_failed':
      case 'payment.canceled':
      case 'payments.reconcile_record_failed':
      case 'payments.reconcile_report_failed':
        return; // logged only
      default:
        return unreachable(e);
    }
  };
}

/**
 * The Stripe webhook's events: each logged under its `type`, refused deliveries
 * through `refusals` (unsigned requests may come in floods: one line per
 * interval with their count); the ledger incidents it counts (orphan charges,
 * foreign PaymentIntents, amount mismatches, late successes) are metrics too.
 */
export function webhookEventSink(metrics: MetricsAggregator, refusals: ThrottledLog): WebhookEvents {
  return (e) => {
    if (e.type === 'payment.settled') return; // stripe_webhook.handled says it: for the Eventarc publisher
    const { type, severity, ...fields } = e;
    if (e.type === 'stripe_webhook.rejected') {
      refusals.record(type, type, fields, severity);
      return;
    }
    logEvent(type, fields, severity);
    switch (e.type) {
      case 'stripe_webhook.orphan_charge':
        metrics.recordLedgerIncident({ kind: 'orphanCharges' });
        return;
      case 'stripe_webhook.foreign_intent':
        metrics.recordLedgerIncident({ kind: 'foreignIntents' });
        return;
      case 'payment.charge_mismatch':
        metrics.recordLedgerIncident({ kind: 'mismatches' });
        return;
      case 'payment.late_success':
        metrics.recordLedgerIncident({ kind: 'lateSuccesses' });
        return;
      case 'dispute.opened':
        metrics.recordDisputeOpened();
        return;
      case 'stripe_webhook.orphan_refund':
        metrics.recordLedgerIncident({ kind: 'orphanRefunds' });
        return;
      case 'refund.mismatch':
        metrics.recordLedgerIncident({ kind: 'mismatches' });
        return;
      case 'refund.settled':
      case 'dispute.updated':
      case 'dispute.closed':
      case 'dispute.unmatched':
      case 'stripe_webhook.misconfigured':
      case 'stripe_webhook.handled':
      case 'stripe_webhook.failed':
      case 'stripe_webhook.final_conflict':
        return; // logged only
      default:
        return unreachable(e);
    }
  };
}

/** Compile-time exhaustiveness: an event type without a case above does not compile. */
function unreachable(e: never): never {
  throw new Error(`unhandled event ${JSON.stringify(e)}`);
}

/** An endpoint balancer event, structurally (resilience/endpoints publishes these). */
export interface EndpointSignal {
  kind: string;
  endpoint: string;
  untilMs?: number;
  ejections?: number;
  consecutiveFailures?: number;
}

/**
 * Endpoint events of `service`: an ejection is a metric and a timeline entry
 * (publishing the snapshot at the call's end: ejections are rare, their period
 * grows); a return to rotation is an entry; an ejection skipped because half
 * the endpoints are out is counted per minute.
 */
export function endpointEventSink(sinks: Sinks, service: string, now = Date.now): (e: EndpointSignal) => void {
  return (e) => {
    const { kind, ...fields } = e;
    logEvent(`endpoint.${kind.replace('-', '_')}`, { service, ...fields }, kind === 'returned' ? 'NOTICE' : 'WARNING');
    const subject = `${service}/${e.endpoint}`;
    const at = now();
    if (e.kind === 'ejected') {
      sinks.metrics.recordEjection({ service, endpoint: e.endpoint });
      const until = e.untilMs === undefined ? '' : ` until ${new Date(e.untilMs).toISOString()}`;
      const summary = `ejected after ${e.consecutiveFailures ?? '?'} failures in a row (ejection ${e.ejections ?? '?'})${until}`;
      sinks.incidents.record({ at, kind: IncidentKind.ejection, subject, summary });
      sinks.stats.markDirty();
    } else if (e.kind === 'returned') {
      sinks.incidents.record({ at, kind: IncidentKind.ejection, subject, summary: 'returned to rotation' });
      sinks.stats.markDirty();
    } else {
      const summary = 'not ejected: at most half of the endpoints may be out at once';
      if (sinks.incidents.count({ at, kind: IncidentKind.ejection, subject, summary })) sinks.stats.markDirty();
    }
  };
}

/** An adaptive limit's change, structurally (resilience/limit publishes these). */
export interface LimitSignal {
  at: number;
  from: number;
  to: number;
  reason: string;
}

/**
 * Limit changes of `pool`: every one is a metric; on the timeline they are
 * counted per minute (an AIMD limit may move on every answer), the entry
 * showing the latest move. A new minute's entry publishes the snapshot.
 */
export function limitChangeSink(sinks: Sinks, pool: string): (c: LimitSignal) => void {
  return (c) => {
    logEvent('concurrency.limit_changed', { pool, ...c }, c.to < c.from ? 'NOTICE' : 'INFO');
    sinks.metrics.recordLimitChange({ pool, from: c.from, to: c.to });
    if (c.from === c.to) return;
    const summary = `limit ${c.from} -> ${c.to} (${c.reason})`;
    if (sinks.incidents.count({ at: c.at, kind: IncidentKind.limitChange, subject: pool, summary })) {
      sinks.stats.markDirty();
    }
  };
}

/**
 * How often an instance logs one kind of refusal of unauthenticated traffic (App Check, webhook
 * signatures) at most: a flood of refused requests is one line per interval with its count.
 */
export const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * App Check refusals (any callable): counted by reason like the payments' refusals (every one, as
 * a metric), logged through `log` (at most once per callable, reason and interval, with a count).
 */
export function appCheckEventSink(sinks: Sinks, log: ThrottledLog, now = Date.now): AppCheckEvents {
  return (event, fields) => {
    log.record(`${event}:${fields.callable}:${fields.reason}`, event, fields, 'WARNING');
    rejected(sinks, fields.reason, now(), 'calls');
  };
}
