// Stripe mode of the load test (bench section 6 with --stripe): the fault
// phases on the Stripe fake's runtime faults (devtools/stripe-fake/faults.ts),
// the payment method of each call, and the reconciliation of the fake's
// PaymentIntents against Firestore `payments`, with the rules of
// tests/integration-stripe/ledgerCheck.ts (which asserts with vitest, so it
// cannot run here) in the result shape of ./ledger.mjs reconcile().

/**
 * The phases. Faults hit the confirm (the request that moves money) unless
 * said otherwise; 429, key-in-use and 500-before hit the first half of the
 * phase's confirm requests (`count`), so the handler's retries can succeed
 * and the breaker sees a mix, as with the simulator's 50 % errors.
 */
export function stripePhases(callsPerPhase) {
  const half = Math.max(1, Math.round(callsPerPhase / 2));
  return [
    { name: 'healthy', faults: { mode: 'none' } },
    // Executes (money moves), then a saved 500: the handler must resolve it by retrieve, not another confirm.
    { name: '500 after confirm', faults: { mode: 'error-after', endpoint: 'confirm' } },
    { name: '429', faults: { mode: 'rate-limit', endpoint: 'confirm', count: half } },
    { name: 'key in use', faults: { mode: 'key-in-use', endpoint: 'confirm', count: half } },
    { name: '500 before', faults: { mode: 'error-before', endpoint: 'confirm', count: half } },
    // Stripe keeps the confirm it never answered: nothing may be recorded failed meanwhile.
    { name: 'commit then hang', faults: { mode: 'commit-then-hang', endpoint: 'confirm' } },
    { name: 'outage (hang)', faults: { mode: 'hang' } },
    { name: 'healthy again', faults: { mode: 'none' } },
  ];
}

/** The Stripe test payment method of call i: every 10th declines (card_declined). */
export const paymentMethodOf = (i) => (i % 10 === 9 ? 'pm_card_chargeDeclined' : 'pm_card_visa');

/** The backend's confirm idempotency key ends with this (functions/src/payments/provider/stripeProvider.ts). */
const CONFIRM_SUFFIX = ':confirm';

/** The fake's ledger (GET /__control/ledger), confirm requests per transactionId, and the Firestore records. */
export async function fetchStripeLedgers(db, fake) {
  const { paymentIntents, charges, requestsByKey } = await fake.ledger();
  const chargeRequests = {};
  for (const [key, n] of Object.entries(requestsByKey)) {
    if (key.endsWith(CONFIRM_SUFFIX)) chargeRequests[key.slice(0, -CONFIRM_SUFFIX.length)] = n;
  }
  const snap = await db.collection('payments').get();
  return { paymentIntents, charges, chargeRequests, records: new Map(snap.docs.map((d) => [d.id, d.data()])) };
}

const isDeclined = (pi) =>
  pi.status === 'canceled' || (pi.status === 'requires_payment_method' && !!pi.last_payment_error);
const UNRESOLVED = ['unknown', 'pending'];

/**
 * Exact reconciliation, problems named by transactionId: a transactionId with
 * more than one succeeded charge (double charge); a PaymentIntent without a
 * record; a succeeded PaymentIntent whose record is not succeeded with its
 * latest charge and amount (recorded failed or declined included); a declined
 * one recorded succeeded; a record naming another PaymentIntent; a
 * succeeded/declined record without a PaymentIntent in that state (phantom).
 */
export function reconcileStripe({ paymentIntents, charges, records }) {
  const problems = [];
  const intentById = new Map(paymentIntents.map((pi) => [pi.id, pi]));
  const paidByTxn = new Map();
  for (const c of charges) {
    const txn = intentById.get(c.payment_intent)?.metadata?.transactionId;
    if (c.status !== 'succeeded' || txn === undefined) continue;
    paidByTxn.set(txn, [...(paidByTxn.get(txn) ?? []), c.id]);
  }
  let doubleCharges = 0;
  for (const [txn, ids] of paidByTxn) {
    if (ids.length < 2) continue;
    doubleCharges++;
    problems.push(`${txn}: charged ${ids.length} times (${ids.join(', ')})`);
  }
  let missing = 0;
  let misrecorded = 0;
  let phantom = 0;
  let settled = 0;
  for (const pi of paymentIntents) {
    const txn = pi.metadata?.transactionId;
    if (txn === undefined) continue;
    if (pi.status === 'succeeded' || isDeclined(pi)) settled++;
    const r = records.get(txn);
    if (!r) {
      missing++;
      problems.push(`${txn}: PaymentIntent ${pi.id} (${pi.status}) has no payments record`);
      continue;
    }
    if (r.providerRef !== undefined && r.providerRef !== pi.id) {
      misrecorded++;
      problems.push(`${txn}: record names ${r.providerRef}, the fake has ${pi.id}`);
    }
    if (UNRESOLVED.includes(r.status)) continue;
    const wrong =
      pi.status === 'succeeded'
        ? r.status !== 'succeeded' || r.chargeId !== pi.latest_charge || r.amount !== pi.amount
        : r.status === 'succeeded' || (r.status === 'declined' && !isDeclined(pi));
    if (wrong) {
      misrecorded++;
      problems.push(
        `${txn}: the fake says ${pi.status} ${pi.latest_charge ?? '-'} ${pi.amount}, record says ${r.status} ${r.chargeId ?? '-'} ${r.amount}`,
      );
    }
  }
  const unresolved = [];
  const byStatus = {};
  for (const [id, r] of records) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (UNRESOLVED.includes(r.status)) unresolved.push({ id, status: r.status, leaseUntil: r.leaseUntil ?? null });
    if ((r.status === 'succeeded' || r.status === 'declined') && !intentById.has(r.providerRef)) {
      phantom++;
      problems.push(`${id}: record says ${r.status} without a PaymentIntent`);
    }
  }
  return {
    charges: settled,
    records: records.size,
    byStatus,
    doubleCharges,
    missing,
    misrecorded,
    phantom,
    unresolved,
    problems,
  };
}

/**
 * What callers were told vs the final ledgers: a success must name the
 * PaymentIntent's latest charge and the record's; a decline must not have
 * succeeded at the fake; an error saying `failed` (nothing charged) must have
 * no succeeded PaymentIntent.
 */
export function stripeContradictions(calls, { paymentIntents, records }) {
  const paid = new Map();
  for (const pi of paymentIntents) {
    if (pi.status === 'succeeded' && pi.metadata?.transactionId !== undefined) paid.set(pi.metadata.transactionId, pi);
  }
  const out = [];
  for (const call of calls) {
    const pi = paid.get(call.transactionId);
    const r = records.get(call.transactionId);
    if (call.result?.status === 'succeeded') {
      if (!pi || pi.latest_charge !== call.result.chargeId || r?.chargeId !== call.result.chargeId)
        out.push(
          `${call.transactionId}: caller was told succeeded ${call.result.chargeId}, ledgers say ${pi?.latest_charge ?? 'not succeeded'} / ${r?.status ?? 'no record'}`,
        );
    } else if (call.result?.status === 'declined' && pi) {
      out.push(`${call.transactionId}: caller was told declined but ${pi.id} succeeded`);
    } else if (call.detailsStatus === 'failed' && pi) {
      out.push(`${call.transactionId}: caller was told nothing was charged (${call.code}) but ${pi.id} succeeded`);
    }
  }
  return out;
}
