import type { ConcurrencyLimitView, LimitChange } from './limitTypes.js';
import { AdaptiveLimit, type AdaptiveLimitOptions, type LimitSample } from './adaptiveLimit.js';

/** A slot of the limiter: give it back with what the request measured, or without (it was never sent). */
export interface LimitSlot {
  /** Requests in flight when this one got its slot (itself included). */
  readonly inFlight: number;
  /** Releases the slot; a sample teaches the limit (omit it for requests that never reached the service). */
  release(sample?: Omit<LimitSample, 'inFlight'>): void;
}

interface Waiter {
  resolve: (slot: LimitSlot) => void;
  timer: NodeJS.Timeout;
}

/** Settings of a {@link ConcurrencyLimiter}. */
export type ConcurrencyLimiterOptions = AdaptiveLimitOptions & {
  /** False: the limit stays at `max` (the plain cap), samples are ignored. */
  adaptive?: boolean;
};

/**
 * Admission to a service under an {@link AdaptiveLimit}: at most `limit`
 * requests hold a slot; the others wait in FIFO order within their own
 * deadline, and one whose deadline passes leaves the queue without being sent.
 * When the limit falls below the slots held, nobody new is admitted until
 * enough are released; when it rises, waiters are admitted at once.
 */
export class ConcurrencyLimiter {
  private readonly algorithm: AdaptiveLimit;
  private readonly adaptive: boolean;
  private readonly waiters: Waiter[] = [];
  private held = 0;
  private rejectedCount = 0;

  constructor(options: ConcurrencyLimiterOptions) {
    this.adaptive = options.adaptive ?? true;
    const onChange = (c: LimitChange) => {
      options.onChange?.(c);
      this.admit();
    };
    this.algorithm = new AdaptiveLimit({ ...options, onChange });
  }

  /** The limit in force now. */
  get limit(): number {
    return this.adaptive ? this.algorithm.limit : this.algorithm.max;
  }

  /** Slots held right now. */
  get inFlight(): number {
    return this.held;
  }

  /**
   * Resolves with a slot, or with null when none can be had in time (that
   * request must not be sent): `timeoutMs` passed while waiting, or the slot
   * came so late that what is left of the deadline is shorter than recent
   * answers take (sending it would only add a timeout that may be a charge).
   * Timers are unref'd.
   */
  async acquire(timeoutMs: number): Promise<LimitSlot | null> {
    if (this.waiters.length === 0 && this.held < this.limit) return this.grant();
    const started = Date.now();
    const slot = await this.wait(timeoutMs);
    if (!slot) return null;
    const leftMs = timeoutMs - (Date.now() - started);
    if (leftMs >= (this.algorithm.recentMs() ?? 0)) return slot;
    slot.release();
    this.rejectedCount++;
    return null;
  }

  private wait(timeoutMs: number): Promise<LimitSlot | null> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(
          () => {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            this.rejectedCount++;
            resolve(null);
          },
          Math.max(0, timeoutMs),
        ),
      };
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** The published view (limitTypes.ts ConcurrencyLimitView). */
  view(): ConcurrencyLimitView {
    const { recent, total } = this.algorithm.history();
    return {
      limit: this.limit,
      min: this.adaptive ? this.algorithm.min : this.algorithm.max,
      max: this.algorithm.max,
      inFlight: this.held,
      waiting: this.waiters.length,
      rejected: this.rejectedCount,
      changes: total,
      recentChanges: recent,
    };
  }

  private grant(): LimitSlot {
    this.held++;
    const inFlight = this.held;
    let released = false;
    return {
      inFlight,
      release: (sample) => {
        if (released) return;
        released = true;
        this.held--;
        if (sample && this.adaptive) this.algorithm.record({ ...sample, inFlight });
        this.admit();
      },
    };
  }

  private admit(): void {
    while (this.waiters.length > 0 && this.held < this.limit) {
      const next = this.waiters.shift()!;
      clearTimeout(next.timer);
      next.resolve(this.grant());
    }
  }
}
