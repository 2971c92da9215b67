/** Hooks a {@link FifoSemaphore} calls synchronously, so counters are exact at the moment things happen. */
export interface SemaphoreEvents {
  /** A caller got a slot; `waitedMs` is 0 when it did not queue. Runs before the caller resumes. */
  onGrant?(waitedMs: number): void;
  /** A caller found no free slot and joined the queue. */
  onQueue?(): void;
}

interface Waiter {
  enqueuedAt: number;
  timer: ReturnType<typeof setTimeout>;
  grant: () => void;
}

/**
 * Counting semaphore with a strict FIFO wait queue and a per-caller wait limit.
 *
 * Written here rather than taken from cockatiel 4's bulkhead because that
 * bulkhead (a) only checks a queued caller's AbortSignal when that caller
 * reaches the head of the queue, so a wait limit would not reject on time, and
 * (b) frees the slot before handing it to the next waiter in a later
 * microtask, so a newcomer can take it and the waiter is re-queued at the
 * back, breaking FIFO. This one hands a freed slot straight to the oldest
 * waiter and drops a timed-out waiter from the queue at once.
 */
export class FifoSemaphore {
  private readonly waiters: Waiter[] = [];
  private held = 0;

  /** `max` is a positive integer, validated by the caller; `now` is the clock for wait times in ms. */
  constructor(
    private limit: number,
    private readonly now: () => number = Date.now,
    private readonly events: SemaphoreEvents = {},
  ) {}

  /** Slots that may be held at once now. */
  get max(): number {
    return this.limit;
  }

  /**
   * Changes how many slots may be held (an adaptive limit). Raising it hands
   * slots to waiters at once; lowering it takes none back: slots freed while
   * more are held than allowed are not handed on.
   */
  setMax(max: number): void {
    this.limit = max;
    while (this.held < this.limit && this.waiters.length > 0) {
      this.held++;
      this.handTo(this.waiters.shift()!);
    }
  }

  /** Slots held right now. */
  get active(): number {
    return this.held;
  }

  /** Callers waiting for a slot right now. */
  get pending(): number {
    return this.waiters.length;
  }

  /**
   * Resolves once the caller holds a slot (at once when one is free and nobody
   * waits). A caller still queued after `timeoutMs` leaves the queue and the
   * promise rejects with what `onTimeout(waitedMs)` returns. The wait timer is
   * unref'd so a queued caller never keeps the process alive.
   */
  acquire(timeoutMs: number, onTimeout: (waitedMs: number) => Error): Promise<void> {
    if (this.held < this.limit && this.waiters.length === 0) {
      this.held++;
      this.events.onGrant?.(0);
      return Promise.resolve();
    }
    this.events.onQueue?.();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        enqueuedAt: this.now(),
        grant: resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(onTimeout(this.now() - waiter.enqueuedAt));
        }, timeoutMs),
      };
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** Gives a held slot back: hands it to the oldest waiter (active unchanged) or frees it. */
  release(): void {
    const next = this.held <= this.limit ? this.waiters.shift() : undefined;
    if (next === undefined) {
      this.held--;
      return;
    }
    this.handTo(next);
  }

  private handTo(next: Waiter): void {
    clearTimeout(next.timer);
    this.events.onGrant?.(this.now() - next.enqueuedAt);
    next.grant();
  }
}
