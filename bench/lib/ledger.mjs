// Reconciles the provider's ledger (the simulator's) against the Firestore
// `payments` collection, with the rules of tests/integration/ledgerCheck.ts,
// and checks what each caller was told against the final records.

/** Both ledgers: `charges` from GET /__control/ledger, `records` by transactionId from Firestore. */
export async function fetchLedgers(db, simulator) {
  const { charges, chargeRequests } = await simulator.ledger();
  const snap = await db.collection('payments').get();
  return { charges, chargeRequests, records: new Map(snap.docs.map((d) => [d.id, d.data()])) };
}

/**
 * Exact reconciliation. Problems (each a sentence naming the transactionId):
 * a key charged twice; a charge without a record, or whose record disagrees on
 * status, chargeId or amount; a succeeded/declined record without that charge;
 * a failed record that was charged. `unresolved` lists records still
 * `unknown`/`pending` (maybe charged): the check is only exact once it is empty.
 */
export function reconcile({ charges, records }) {
  const problems = [];
  const byTxn = new Map();
  let doubleCharges = 0;
  for (const c of charges) {
    if (byTxn.has(c.transactionId)) {
      doubleCharges++;
      problems.push(`${c.transactionId}: charged twice (${byTxn.get(c.transactionId).id}, ${c.id})`);
    }
    byTxn.set(c.transactionId, c);
  }
  let missing = 0;
  let misrecorded = 0;
  let phantom = 0;
  const unresolved = [];
  for (const c of charges) {
    const r = records.get(c.transactionId);
    if (!r) {
      missing++;
      problems.push(`${c.transactionId}: charged (${c.status}) but has no payments record`);
      continue;
    }
    // Unresolved records may be charged; a charged `failed` record is reported below.
    if (r.status === 'unknown' || r.status === 'pending' || r.status === 'failed') continue;
    if (r.status !== c.status || r.chargeId !== c.id || r.amount !== c.amount) {
      misrecorded++;
      problems.push(
        `${c.transactionId}: provider says ${c.status} ${c.id} ${c.amount}, record says ${r.status} ${r.chargeId ?? '-'} ${r.amount}`,
      );
    }
  }
  for (const [id, r] of records) {
    if (r.status === 'unknown' || r.status === 'pending')
      unresolved.push({ id, status: r.status, leaseUntil: r.leaseUntil ?? null });
    if ((r.status === 'succeeded' || r.status === 'declined') && byTxn.get(id)?.id !== r.chargeId) {
      phantom++;
      problems.push(`${id}: record says ${r.status} (${r.chargeId}) without that provider charge`);
    }
    if (r.status === 'failed' && byTxn.has(id)) {
      misrecorded++;
      problems.push(`${id}: record says failed (not charged) but the provider charged it`);
    }
  }
  const byStatus = {};
  for (const r of records.values()) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    charges: charges.length,
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
 * What callers were told vs the final ledger: a success must name the recorded
 * charge; an error saying `failed` (nothing charged) must have no charge.
 */
export function contradictions(calls, { charges, records }) {
  const byTxn = new Map(charges.map((c) => [c.transactionId, c]));
  const out = [];
  for (const call of calls) {
    const charge = byTxn.get(call.transactionId);
    if (call.result) {
      const r = records.get(call.transactionId);
      if (!charge || charge.id !== call.result.chargeId || r?.chargeId !== call.result.chargeId) {
        out.push(
          `${call.transactionId}: caller was told ${call.result.status} ${call.result.chargeId}, ledgers say ${charge?.id ?? 'no charge'} / ${r?.status ?? 'no record'}`,
        );
      }
    } else if (call.detailsStatus === 'failed' && charge) {
      out.push(
        `${call.transactionId}: caller was told nothing was charged (${call.code}) but the provider charged ${charge.id}`,
      );
    }
  }
  return out;
}
