import { AppError } from '../appError.js';
import type { BreakerStore } from './breakerStore.js';
import { TransitionListeners, type TransitionListener } from './breakerEvents.js';
import { FleetCircuitBreaker, type BreakerOptions } from './circuitBreaker.js';

/** Thrown when asked for a breaker the app did not register. */
export class UnknownBreakerError extends AppError {
  constructor(service: string, known: string[]) {
    super('UNKNOWN_BREAKER', `There is no circuit breaker named "${service}"; known: ${known.join(', ') || 'none'}.`, {
      details: { service, known },
    });
  }
}

/** The app's breakers by service name; listeners added here hear every breaker. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, FleetCircuitBreaker>();
  private readonly listeners = new TransitionListeners();

  constructor(
    private readonly store: BreakerStore,
    private readonly defaults: Partial<BreakerOptions> = {},
    private readonly now?: () => number,
  ) {}

  /** Creates the breaker of `service` (or returns the existing one); `options` override the registry defaults. */
  register(service: string, options: Partial<BreakerOptions> = {}): FleetCircuitBreaker {
    const existing = this.breakers.get(service);
    if (existing !== undefined) return existing;
    const breaker = new FleetCircuitBreaker(service, this.store, { ...this.defaults, ...options }, this.now);
    breaker.onTransition((event) => this.listeners.emit(event));
    this.breakers.set(service, breaker);
    return breaker;
  }

  /** The breaker of `service`; throws UNKNOWN_BREAKER when it was not registered. */
  get(service: string): FleetCircuitBreaker {
    const breaker = this.breakers.get(service);
    if (breaker === undefined) throw new UnknownBreakerError(service, this.names());
    return breaker;
  }

  /** Registered service names, sorted. */
  names(): string[] {
    return [...this.breakers.keys()].sort();
  }

  /** Resets one breaker fleet-wide; rejects with UNKNOWN_BREAKER for an unknown name. */
  async reset(service: string): Promise<void> {
    await this.get(service).reset();
  }

  /** Resets every registered breaker fleet-wide. */
  async resetAll(): Promise<void> {
    await Promise.all([...this.breakers.values()].map((breaker) => breaker.reset()));
  }

  /** Subscribes to the transitions of every breaker; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.listeners.add(listener);
  }
}
