import type { PhaseTimer } from '../observability/metrics/phaseTimer.js';
import { PaymentPhase } from './paymentEvents.js';

/**
 * What processPayment does with sealed reads of its caller's limits (the
 * payload's and the answer's `seal`, api/payments.ts); ledger/limitSeals.ts
 * implements it over FirestoreLedger's copies.
 */
export interface PaymentSeals {
  /** Lets the ledger start from the copy of `uid`'s limits sealed in `token`; a seal that does not open changes nothing. */
  open(uid: string, token: string): void;
  /** A seal of `uid`'s limits as this instance last wrote or read them; undefined when it has none to give. */
  issue(uid: string): string | undefined;
}

/**
 * `seals.open(uid, token)` timed into `phases` as the `seal` phase (an AES-GCM
 * open costs about a tenth of a millisecond in a call, so it is named, not left between phases).
 */
export function openSeal(seals: PaymentSeals | undefined, uid: string, token: string, phases: PhaseTimer): void {
  if (!seals) return;
  const opening = phases.start();
  try {
    seals.open(uid, token);
  } finally {
    phases.add(PaymentPhase.seal, opening());
  }
}

/** `seals.issue(uid)` timed into `phases` as the `seal` phase (summed with the open). */
export function issueSeal(seals: PaymentSeals | undefined, uid: string, phases: PhaseTimer): string | undefined {
  if (!seals) return undefined;
  const issuing = phases.start();
  try {
    return seals.issue(uid);
  } finally {
    phases.add(PaymentPhase.seal, issuing());
  }
}
