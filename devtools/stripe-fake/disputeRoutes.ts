/** The dispute control routes of the Stripe fake (control.ts lists them). */
import { DISPUTE_STATUSES } from './disputes.ts';
import type { DisputeStatus } from './disputes.ts';
import type { ControlTarget } from './control.ts';
import type { Reply } from './wire.ts';

const fail = (status: number, message: string): Reply => ({ status, body: { error: { message } } });

/** `evidenceDueBy`: unix seconds, null (no deadline) or absent. */
const dueByOk = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v));

/** The reply of a dispute control route, or null for another path. */
export function disputeRoute(
  t: ControlTarget,
  method: string,
  path: string,
  body: Record<string, unknown>,
): Reply | null {
  if (method !== 'POST') return null;
  const { paymentIntent, reason, amount, evidenceDueBy, status } = body;
  if (!dueByOk(evidenceDueBy)) return fail(400, '"evidenceDueBy" must be unix seconds or null.');
  const due = evidenceDueBy === undefined ? {} : { evidenceDueBy: evidenceDueBy as number | null };
  if (path === '/__control/disputes') {
    if (typeof paymentIntent !== 'string') return fail(400, '"paymentIntent" must be a string.');
    if (reason !== undefined && typeof reason !== 'string') return fail(400, '"reason" must be a string.');
    if (amount !== undefined && (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1))
      return fail(400, '"amount" must be a positive integer (minor units).');
    return t.openDispute({
      paymentIntent,
      ...(reason === undefined ? {} : { reason }),
      ...(amount === undefined ? {} : { amount }),
      ...due,
    });
  }
  const change = /^\/__control\/disputes\/([^/]+)$/.exec(path);
  if (!change) return null;
  if (status !== undefined && !DISPUTE_STATUSES.includes(status as DisputeStatus))
    return fail(400, `"status" must be one of ${DISPUTE_STATUSES.join(', ')}.`);
  return t.changeDispute(change[1]!, { ...(status === undefined ? {} : { status: status as DisputeStatus }), ...due });
}
