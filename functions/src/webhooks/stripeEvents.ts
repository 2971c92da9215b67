/**
 * Which Stripe events were handled already: Stripe delivers an event at least
 * once and may deliver it again (retries, duplicates), so the webhook
 * remembers event ids for a while. A small port, so the webhook's decisions
 * unit-test with memory; in Firestore `stripeEvents/{eventId}` with a TTL
 * field `expiresAt` (a Timestamp, as TTL policies require).
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { RunQuery } from '../resilience/query/runQuery.js';

/** How long an event id is remembered: longer than Stripe retries a delivery (up to three days). */
export const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What is remembered of a handled event. */
export interface HandledEvent {
  type: string;
  /** The ledger record it named, if any. */
  transactionId: string | null;
  /** What the webhook did with it, in a word (`succeeded`, `stale`, `unknown-transaction`...). */
  outcome: string;
  /** Epoch ms after which the id may be forgotten. */
  expiresAt: number;
}

/** The store of handled event ids. */
export interface ProcessedEvents {
  /** True when the event was handled before and is still remembered. */
  seen(eventId: string): Promise<boolean>;
  /** Remembers a handled event. */
  remember(eventId: string, event: HandledEvent): Promise<void>;
}

/** In memory, for tests (and a clock to forget by). */
export class MemoryProcessedEvents implements ProcessedEvents {
  readonly events = new Map<string, HandledEvent>();

  constructor(private readonly now: () => number = Date.now) {}

  seen(eventId: string): Promise<boolean> {
    const e = this.events.get(eventId);
    return Promise.resolve(e !== undefined && e.expiresAt > this.now());
  }

  remember(eventId: string, event: HandledEvent): Promise<void> {
    this.events.set(eventId, { ...event });
    return Promise.resolve();
  }
}

/** The Stripe event collection. */
export const STRIPE_EVENTS = 'stripeEvents';

/** In Firestore through the query pool; set a TTL policy on `stripeEvents.expiresAt` after the first deploy. */
export class FirestoreProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly runQuery: RunQuery,
    private readonly now: () => number = Date.now,
  ) {}

  async seen(eventId: string): Promise<boolean> {
    const snap = await this.runQuery((db) => db.collection(STRIPE_EVENTS).doc(eventId).get(), 'stripeEvents.get', {
      readOnly: true,
    });
    const expiresAt = snap.get('expiresAt') as unknown;
    // TTL deletion runs within a day or so of expiry: an expired document still there counts as forgotten.
    return snap.exists && expiresAt instanceof Timestamp && expiresAt.toMillis() > this.now();
  }

  async remember(eventId: string, event: HandledEvent): Promise<void> {
    const doc = {
      ...event,
      handledAt: Timestamp.fromMillis(this.now()),
      expiresAt: Timestamp.fromMillis(event.expiresAt),
    };
    await this.runQuery((db) => db.collection(STRIPE_EVENTS).doc(eventId).set(doc), 'stripeEvents.set', {
      idempotent: true,
    });
  }
}
