/** Fleet-wide circuit breakers: public names. */
export { BreakerConfigError, BreakerOpenError } from './breakerErrors.js';
export { DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from './breakerOptions.js';
export { BreakerRegistry, UnknownBreakerError } from './breakerRegistry.js';
export { MemoryBreakerStore, type BreakerStore, type FleetBreakerState } from './breakerStore.js';
export { FirestoreBreakerStore } from './breakerStoreFirestore.js';
export type { BreakerTransition, TransitionListener } from './breakerEvents.js';
export { FleetCircuitBreaker, type BreakerSnapshot, type Outcome, type Verdict } from './circuitBreaker.js';
export { TransitionReasons, type TransitionReason } from './stateMachine.js';
