/**
 * Time spent in each breaker state, as this instance saw it: fed with every
 * transition (synced ones included, since they change what this instance
 * does), read out as durations at each metrics drain. Pure bookkeeping over
 * timestamps: no timer runs between calls.
 */

/** Time one breaker spent in one state since the last `take`. */
export interface StateTime {
  service: string;
  state: string;
  ms: number;
}

/** Accumulates per-service state durations between drains. */
export class BreakerStateClock {
  private readonly current = new Map<string, { state: string; since: number }>();
  private readonly spent = new Map<string, Map<string, number>>();

  /** Starts the clock of `service` in `state` (a breaker starts closed) unless it already runs. */
  start(service: string, state: string, at: number): void {
    if (!this.current.has(service)) this.current.set(service, { state, since: at });
  }

  /** `service` entered `to` at `at`: the time in the previous state is booked. */
  transition(service: string, to: string, at: number): void {
    const c = this.current.get(service);
    if (c) this.book(service, c.state, Math.max(0, at - c.since));
    this.current.set(service, { state: to, since: c ? Math.max(c.since, at) : at });
  }

  /** Every booked duration plus the running state's time up to `now`; resets the books. */
  take(now: number): StateTime[] {
    for (const [service, c] of this.current) {
      this.book(service, c.state, Math.max(0, now - c.since));
      c.since = Math.max(c.since, now);
    }
    const out: StateTime[] = [];
    for (const [service, states] of this.spent) {
      for (const [state, ms] of states) if (ms > 0) out.push({ service, state, ms });
    }
    this.spent.clear();
    return out;
  }

  private book(service: string, state: string, ms: number): void {
    if (ms <= 0) return;
    let states = this.spent.get(service);
    if (!states) this.spent.set(service, (states = new Map<string, number>()));
    states.set(state, (states.get(state) ?? 0) + ms);
  }
}
