/** The health report as rows for the Service health panel. */
import { HealthState, type HealthDeepReport } from '../api/types';
import { TONE, type Tone } from './tones';

/** ok green, degraded amber, down red. */
export function healthTone(state: HealthState): Tone {
  if (state === HealthState.ok) return TONE.ok;
  if (state === HealthState.degraded) return TONE.warn;
  if (state === HealthState.down) return TONE.bad;
  return TONE.neutral;
}

/** One component line: its state and, from the deep view, latency and problem. */
export type HealthRow = { key: string; label: string; state: HealthState; latencyMs: number | null; note: string };

/** Rows in a fixed order: Firestore, provider (and its endpoints), breakers, CloudWatch, reconciliation. */
export function healthRows(r: HealthDeepReport): HealthRow[] {
  const { components: c, detail: d } = r;
  const rows: HealthRow[] = [
    {
      key: 'firestore',
      label: 'Firestore',
      state: c.firestore.state,
      latencyMs: d.firestore.latencyMs,
      note: d.firestore.problem ?? '',
    },
    {
      key: 'provider',
      label: 'Payment provider',
      state: c.provider.state,
      latencyMs: d.provider.latencyMs,
      note: d.provider.problem ?? '',
    },
  ];
  for (const [label, e] of Object.entries(d.provider.endpoints ?? {})) {
    rows.push({
      key: `provider-${label}`,
      label: `Provider ${label}`,
      state: e.state,
      latencyMs: e.latencyMs,
      note: e.problem ?? '',
    });
  }
  for (const [name, b] of Object.entries(c.breakers)) {
    rows.push({ key: `breaker-${name}`, label: `Breaker ${name}`, state: b.state, latencyMs: null, note: b.breaker });
  }
  rows.push({
    key: 'cloudwatch',
    label: 'CloudWatch shipping',
    state: c.cloudwatch.state,
    latencyMs: d.cloudwatch?.latencyMs ?? null,
    note: c.cloudwatch.enabled ? (d.cloudwatch?.problem ?? '') : 'not enabled',
  });
  const ledger = d.ledger;
  rows.push({
    key: 'reconciliation',
    label: 'Reconciliation backlog',
    state: c.reconciliation.state,
    latencyMs: null,
    note: ledger
      ? `${ledger.unknown} unknown, ${ledger.expiredPending} expired pending`
      : 'ledger health could not be read',
  });
  return rows;
}
