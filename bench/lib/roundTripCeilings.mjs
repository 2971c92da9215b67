// Section 7's guard against regressions: the most Firestore round trips each
// payment path may take, as measured when it was last changed on purpose. A
// path over its ceiling fails the section, whatever its target says (targets
// are what the path should cost; several are not met yet). Lower a ceiling
// when a change makes its path cheaper; raise one only with a reason in
// docs/benchmarks.md.

/** Path key -> most round trips one call of that path may take. */
export const CEILINGS = {
  happyCached: 2,
  // With the seal of the user's last answer (from another instance); without one the read of userLimits/{uid} stays.
  happyFirst: 2,
  happyFirstUnsealed: 3,
  replay: 1,
  replayElsewhere: 4,
  limited: 1,
  retried: 2,
  unknown: 2,
  breakerFresh: 2,
  breakerStale: 2,
  // getPayment's three reads at once (the payment with the admin's limits in one getAll, the refunds, the history).
  getPayment: 3,
  // Issue 22: with getPayment's refund seal, the write-ahead commit (no read) and the outcome's commit.
  refund: 2,
  // Without a seal: the read (payment, refund, admin's limits), the write-ahead commit, the outcome's commit.
  refundUnsealed: 3,
};

/**
 * The paths whose largest per-call count is over their ceiling, as
 * `name: measured > ceiling`; `rows` are section 7's path rows (`key`, `name`,
 * `range` = [min, max] or null when no call of the path was measured). A path
 * without a ceiling, or not measured, is reported too: nothing goes unguarded.
 */
export function grownPaths(rows, ceilings = CEILINGS) {
  const grown = [];
  for (const row of rows) {
    const ceiling = ceilings[row.key];
    if (ceiling === undefined) grown.push(`${row.name}: no ceiling`);
    else if (!row.range) grown.push(`${row.name}: not measured`);
    else if (row.range[1] > ceiling) grown.push(`${row.name}: ${row.range[1]} > ${ceiling}`);
  }
  for (const key of Object.keys(ceilings)) if (!rows.some((r) => r.key === key)) grown.push(`${key}: no path measured`);
  return grown;
}
