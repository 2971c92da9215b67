/**
 * Disputes (chargebacks) in the Stripe fake: a cardholder's bank disputes a
 * succeeded PaymentIntent's charge, Stripe tells the account through
 * `charge.dispute.*` events, and the dispute later closes won or lost. Made
 * through the control API only (Stripe's own API does not create disputes).
 * The objects carry the fields Stripe's `dispute` has that the backend reads:
 * id, amount, currency, charge, payment_intent, reason, status and
 * `evidence_details.due_by` (unix seconds).
 */
import { randomBytes } from 'node:crypto';
import type { Intents } from './intents.ts';
import type { Reply } from './wire.ts';

/** The dispute events the fake sends. */
export type DisputeEventType =
  | 'charge.dispute.created'
  | 'charge.dispute.updated'
  | 'charge.dispute.closed'
  | 'charge.dispute.funds_withdrawn'
  | 'charge.dispute.funds_reinstated';

/** Stripe's dispute statuses. */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
const CLOSED: readonly DisputeStatus[] = ['won', 'lost', 'warning_closed'];

/** A dispute as Stripe sends it (the fields the fake keeps). */
export type Dispute = {
  id: string;
  object: 'dispute';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: string;
  status: DisputeStatus;
  created: number;
  evidence_details: { due_by: number | null; has_evidence: boolean; past_due: boolean; submission_count: number };
  is_charge_refundable: boolean;
  livemode: false;
  metadata: Record<string, string>;
};

/** What a dispute change produced: the reply, and the events to send in order. */
export type DisputeOperation = { reply: Reply; events: { type: DisputeEventType; object: Dispute }[] };

/** A new dispute: on `paymentIntent`'s charge; `amount` defaults to the charge's, `evidenceDueBy` (unix s) to 7 days on. */
export type DisputeOpen = { paymentIntent: string; reason?: string; amount?: number; evidenceDueBy?: number | null };
/** A change: a new status (closing it when won, lost or warning_closed) and/or a new deadline. */
export type DisputeChange = { status?: DisputeStatus; evidenceDueBy?: number | null };

const refused = (status: number, message: string): DisputeOperation => ({
  reply: { status, body: { error: { type: 'invalid_request_error', message } } },
  events: [],
});

/** The fake's disputes. */
export class Disputes {
  private readonly byId = new Map<string, Dispute>();
  private readonly intents: Pick<Intents, 'get'>;
  private readonly now: () => number;

  constructor(intents: Pick<Intents, 'get'>, now: () => number) {
    this.intents = intents;
    this.now = now;
  }

  /** Opens a dispute: `charge.dispute.created`, then `charge.dispute.funds_withdrawn`. */
  open(p: DisputeOpen): DisputeOperation {
    const pi = this.intents.get(p.paymentIntent);
    if (!pi || pi.status !== 'succeeded' || !pi.latest_charge)
      return refused(400, `PaymentIntent ${p.paymentIntent} has no succeeded charge to dispute.`);
    const created = Math.floor(this.now() / 1000);
    const dispute: Dispute = {
      ...{ id: `dp_${randomBytes(12).toString('hex')}`, object: 'dispute', amount: p.amount ?? pi.amount },
      ...{ currency: pi.currency, charge: pi.latest_charge, payment_intent: pi.id, reason: p.reason ?? 'fraudulent' },
      ...{ status: 'needs_response', created, is_charge_refundable: false, livemode: false, metadata: {} },
      evidence_details: {
        due_by: p.evidenceDueBy === undefined ? created + 7 * 86_400 : p.evidenceDueBy,
        ...{ has_evidence: false, past_due: false, submission_count: 0 },
      },
    };
    this.byId.set(dispute.id, dispute);
    return this.answer(dispute, ['charge.dispute.created', 'charge.dispute.funds_withdrawn']);
  }

  /** Changes a dispute: `charge.dispute.updated`, or `.closed` (then `.funds_reinstated` when won). */
  change(id: string, p: DisputeChange): DisputeOperation {
    const d = this.byId.get(id);
    if (!d) return refused(404, `No such dispute: '${id}'`);
    if (CLOSED.includes(d.status)) return refused(400, `Dispute ${id} is closed (${d.status}).`);
    if (p.status) d.status = p.status;
    if (p.evidenceDueBy !== undefined) d.evidence_details.due_by = p.evidenceDueBy;
    if (!CLOSED.includes(d.status)) return this.answer(d, ['charge.dispute.updated']);
    const won = d.status === 'won';
    return this.answer(
      d,
      won ? ['charge.dispute.closed', 'charge.dispute.funds_reinstated'] : ['charge.dispute.closed'],
    );
  }

  /** Every dispute, oldest first. */
  list(): Dispute[] {
    return [...this.byId.values()].map((d) => structuredClone(d));
  }

  clear(): void {
    this.byId.clear();
  }

  private answer(d: Dispute, types: DisputeEventType[]): DisputeOperation {
    return {
      reply: { status: 200, body: structuredClone(d) },
      events: types.map((type) => ({ type, object: structuredClone(d) })),
    };
  }
}
