// Reconciles the provider's refunds (the simulator's) against the Firestore
// refund records (`payments/{transactionId}/refunds/{refundId}`) and the
// payments' `refundedAmount`, with the rules of tests/integration/ledgerCheck.ts.

/** Both sides of the payments whose transactionId starts with `prefix`: provider refunds, refund records, payments. */
export async function fetchRefundLedgers(db, simulator, prefix) {
  const [{ refunds, refundRequests }, recordSnap, paymentSnap] = await Promise.all([
    simulator.refunds(),
    db.collectionGroup('refunds').get(),
    db.collection('payments').get(),
  ]);
  const mine = (id) => id.startsWith(prefix);
  return {
    refunds: refunds.filter((r) => mine(r.transactionId)),
    refundRequests,
    records: recordSnap.docs.map((d) => d.data()).filter((r) => mine(r.transactionId)),
    payments: new Map(paymentSnap.docs.filter((d) => mine(d.id)).map((d) => [d.id, d.data()])),
  };
}

/** A record that may stand for a provider refund not settled in the ledger yet. */
const open = (r) => r.status === 'unknown' || (r.status === 'pending' && !r.providerRefundId);

/**
 * Exact reconciliation of refunds. Problems (each a sentence naming the refund):
 * a refundId refunded twice at the provider; a provider refund without its
 * record, or whose record has another amount or (once settled) another status
 * or provider id; a record `succeeded` (or `pending` at the provider) without
 * that provider refund; a `failed` record the provider refunded; a payment whose
 * refunds are all settled with a `refundedAmount` other than the provider's
 * total of its succeeded refunds. `unresolved` lists open records: the check is
 * only exact once it is empty.
 */
export function reconcileRefunds({ refunds, records, payments }) {
  const problems = [];
  const byId = new Map();
  let executedTwice = 0;
  for (const p of refunds) {
    if (byId.has(p.refundId)) {
      executedTwice++;
      problems.push(`${p.refundId}: refunded twice (${byId.get(p.refundId).id}, ${p.id})`);
    }
    byId.set(p.refundId, p);
  }
  const recordOf = new Map(records.map((r) => [`${r.transactionId}/${r.refundId}`, r]));
  let missing = 0;
  let misrecorded = 0;
  let phantom = 0;
  for (const p of refunds) {
    const r = recordOf.get(`${p.transactionId}/${p.refundId}`);
    if (!r) {
      missing++;
      problems.push(`${p.refundId}: refunded ${p.amount} of ${p.transactionId} but has no refund record`);
    } else if (r.amount !== p.amount) {
      misrecorded++;
      problems.push(`${p.refundId}: provider refunded ${p.amount}, record says ${r.amount}`);
    } else if (!open(r) && (r.status !== p.status || r.providerRefundId !== p.id)) {
      misrecorded++;
      problems.push(
        r.status === 'failed'
          ? `${p.refundId}: record says failed but the provider ${p.status} it (${p.id})`
          : `${p.refundId}: provider says ${p.status} ${p.id}, record says ${r.status} ${r.providerRefundId}`,
      );
    }
  }
  const unresolved = [];
  for (const r of records) {
    const p = byId.get(r.refundId);
    if (open(r)) unresolved.push({ transactionId: r.transactionId, refundId: r.refundId, status: r.status });
    if ((r.status === 'succeeded' || (r.status === 'pending' && r.providerRefundId)) && p?.id !== r.providerRefundId) {
      phantom++;
      problems.push(`${r.refundId}: record says ${r.status} (${r.providerRefundId}) without that provider refund`);
    }
  }
  let totalsWrong = 0;
  for (const [id, payment] of payments) {
    if (records.some((r) => r.transactionId === id && open(r))) continue;
    const total = refunds
      .filter((p) => p.transactionId === id && p.status === 'succeeded')
      .reduce((sum, p) => sum + p.amount, 0);
    if ((payment.refundedAmount ?? 0) !== total) {
      totalsWrong++;
      problems.push(`${id}: refundedAmount ${payment.refundedAmount ?? 0}, the provider refunded ${total}`);
    }
  }
  const byStatus = {};
  for (const r of records) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    refunds: refunds.length,
    records: records.length,
    byStatus,
    executedTwice,
    missing,
    misrecorded,
    phantom,
    totalsWrong,
    unresolved,
    problems,
  };
}
