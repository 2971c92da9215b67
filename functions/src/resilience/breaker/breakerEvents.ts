/**
 * Breaker state changes as events: what one carries and how listeners hear it.
 * Shared by a single breaker and by the registry that forwards all of them.
 */
import type { BreakerState } from './breakerTypes.js';
import type { TransitionReason } from './stateMachine.js';

/** One state change, emitted to the listeners of `FleetCircuitBreaker.onTransition`. */
export interface BreakerTransition {
  /** Service the breaker protects. */
  service: string;
  /** State before. */
  from: BreakerState;
  /** State after. */
  to: BreakerState;
  /** Epoch ms of the change. */
  at: number;
  /** Why; `synced` means another instance made the change and this one adopted it. */
  reason: TransitionReason;
  /** Failure rate in percent of the window that opened the breaker (0 after close/reset). */
  failureRate: number;
  /** Calls in that window (0 after close/reset). */
  calls: number;
}

/** Receives transitions; must not throw (errors are dropped so a listener cannot break a payment). */
export type TransitionListener = (event: BreakerTransition) => void;

/** A set of {@link TransitionListener}s, each called in turn and shielded from the others' errors. */
export class TransitionListeners {
  private readonly listeners = new Set<TransitionListener>();

  /** Subscribes `listener`; returns the unsubscribe function. */
  add(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener with `event`. */
  emit(event: BreakerTransition): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not fail the call that triggered the transition.
      }
    }
  }
}
