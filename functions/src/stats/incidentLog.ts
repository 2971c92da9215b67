/**
 * This instance's recent incidents, bounded, for the fleet's incident timeline:
 * published in its `instances/{id}` snapshot (no write of its own), merged by
 * getIncidentTimeline. Discrete events (breaker transitions, ejections) are
 * kept one by one; frequent ones (rejections, limit changes) are counted per
 * subject and minute, so a burst of refused payments is one entry, never a
 * write per payment.
 */
import type { IncidentEvent } from '../api/index.js';

/** How far back the timeline looks. */
export const INCIDENT_WINDOW_MS = 60 * 60_000;
/** Width of the buckets counted kinds are merged in. */
export const INCIDENT_BUCKET_MS = 60_000;
/** Most entries one instance keeps (the oldest go first). */
export const MAX_INSTANCE_INCIDENTS = 60;

/** An event as recorded, before the instance's id is attached. */
export type IncidentInput = Omit<IncidentEvent, 'instanceId' | 'count'>;

/** The bounded per-instance incident list. */
export class IncidentLog {
  private events: (Omit<IncidentEvent, 'instanceId'> & { bucket: number | null })[] = [];

  constructor(
    private readonly instanceId: string,
    private readonly max = MAX_INSTANCE_INCIDENTS,
  ) {}

  /** Keeps one discrete event. */
  record(e: IncidentInput): void {
    this.push({ ...e, count: 1, bucket: null });
  }

  /**
   * Counts one occurrence of a frequent kind: merged into this minute's entry
   * for the same kind and subject (its `at` and `summary` become the latest).
   * True when it started a new entry (worth publishing soon), false when merged.
   */
  count(e: IncidentInput): boolean {
    const bucket = Math.floor(e.at / INCIDENT_BUCKET_MS);
    const same = this.events.find((x) => x.bucket === bucket && x.kind === e.kind && x.subject === e.subject);
    if (same) {
      same.count += 1;
      same.at = Math.max(same.at, e.at);
      same.summary = e.summary;
      return false;
    }
    this.push({ ...e, count: 1, bucket });
    return true;
  }

  /** Entries of the last hour, oldest first, each naming this instance. */
  recent(now: number): IncidentEvent[] {
    const since = now - INCIDENT_WINDOW_MS;
    this.events = this.events.filter((e) => e.at > since);
    return this.events.map(({ bucket: _b, ...e }) => ({ ...e, instanceId: this.instanceId }));
  }

  /** Time of the newest entry, or null when there is none. */
  lastAt(): number | null {
    return this.events.length ? Math.max(...this.events.map((e) => e.at)) : null;
  }

  private push(e: Omit<IncidentEvent, 'instanceId'> & { bucket: number | null }): void {
    this.events.push(e);
    if (this.events.length > this.max) this.events.splice(0, this.events.length - this.max);
  }
}
