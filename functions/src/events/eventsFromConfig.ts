import type { App } from 'firebase-admin/app';
import { EVENTARC_PUBLISH_MS, type Config } from '../config/index.js';
import type { MetricsAggregator } from '../observability/metrics/emf.js';
import { providerMoneyOf } from '../payments/provider/providerFromConfig.js';
import { eventarcChannel } from './eventarcChannel.js';
import { EventPublisher } from './eventPublisher.js';
import { publishingSink, type DomainEvent } from './publishedEvents.js';

/** The instance's events for other systems: the publisher the end-of-call work waits for, and the subscriber. */
export interface EventPublishing {
  /** Null when EVENTARC_CHANNEL is unset. */
  publisher: EventPublisher | null;
  /** Hand every domain event here, after the sinks that log it; a no-op when nothing is published. */
  subscriber: (e: DomainEvent) => void;
}

/** Publishing to EVENTARC_CHANNEL when it is set, each publish bounded by EVENTARC_PUBLISH_MS; nothing otherwise. */
export function eventPublishing(
  app: App,
  cfg: Pick<Config, 'EVENTARC_CHANNEL' | 'PAYMENT_PROVIDER'>,
  metrics: Pick<MetricsAggregator, 'recordEventPublish'>,
): EventPublishing {
  if (!cfg.EVENTARC_CHANNEL) return { publisher: null, subscriber: () => undefined };
  const port = eventarcChannel(app, cfg.EVENTARC_CHANNEL);
  const publisher = new EventPublisher({ port, timeoutMs: EVENTARC_PUBLISH_MS, metrics });
  return { publisher, subscriber: publishingSink(publisher, providerMoneyOf(cfg)) };
}
