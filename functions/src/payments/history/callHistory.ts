import { PaymentHistoryEventType as H, type HistoryDetails } from '../../api/index.js';
import type { PaymentEventSink } from '../paymentEvents.js';
import type { LookupAnswer } from '../provider/paymentProvider.js';
import type { HistoryDraft } from './historyEvents.js';

/**
 * What one `processPayment` call did at the provider, kept as history drafts
 * until the call writes its outcome: the ledger records them in that commit
 * (with the attempts tally they explain), so they cost no write of their own.
 * Nothing of an answer is kept but its kind, HTTP status and endpoint: never a
 * client secret.
 */
export class CallHistory {
  private readonly kept: HistoryDraft[] = [];

  constructor(private readonly now: () => number) {}

  /** The drafts so far, in the order things happened. */
  get drafts(): readonly HistoryDraft[] {
    return this.kept;
  }

  /**
   * `emit`, also keeping each sent attempt (`payment.attempt` with a duration)
   * as `attempt.sent` at its send time and `provider.answered` at its end.
   */
  tap(emit: PaymentEventSink): PaymentEventSink {
    return (event) => {
      if (event.type === 'payment.attempt' && event.durationMs !== undefined) {
        const end = this.now();
        const attempt: HistoryDetails = { attempt: event.attempt };
        if (event.endpoint) attempt.endpoint = event.endpoint;
        const answer: HistoryDetails = { ...attempt, answer: event.outcome };
        if (event.httpStatus !== undefined) answer.httpStatus = event.httpStatus;
        this.kept.push({ type: H.attemptSent, at: end - event.durationMs, details: attempt });
        this.kept.push({ type: H.providerAnswered, at: end, details: answer });
      }
      emit(event);
    };
  }

  /** Keeps what a lookup answered (`lookup.answered`) and passes the answer on. */
  async lookup(answer: Promise<LookupAnswer>): Promise<LookupAnswer> {
    const look = await answer;
    this.kept.push(lookupDraft(look, this.now()));
    return look;
  }
}

/** A lookup's answer as a history draft: its kind (and the charge's or pending state's), the reason when unavailable. */
export function lookupDraft(
  look: LookupAnswer,
  at: number,
  type: HistoryDraft['type'] = H.lookupAnswered,
): HistoryDraft {
  const result = look.kind === 'found' ? look.charge.kind : look.kind === 'pending' ? look.state : look.kind;
  return { type, at, reason: look.kind === 'unavailable' ? 'LOOKUP_UNAVAILABLE' : null, details: { result } };
}
