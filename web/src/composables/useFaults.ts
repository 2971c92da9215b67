import { ref } from 'vue';
import { getFaults, setFaults } from '../api/simulator';
import { FAULT_MODES, type FaultConfig, type FaultMode } from '../api/types';
import { usePolling } from './usePolling';
import { useRefreshControl } from './useRefreshControl';

/** The fault form as typed; an empty number field means "simulator default". */
export type FaultForm = {
  mode: FaultMode;
  latencyMs: string;
  errorRate: string;
  retryAfterSec: string;
  commitDelayMs: string;
};

type NumberField = Exclude<keyof FaultForm, 'mode'>;

/** Allowed range of each numeric field (the simulator's own limits). */
const RANGES: Record<NumberField, { max: number; label: string }> = {
  latencyMs: { max: 600_000, label: 'Latency (ms)' },
  errorRate: { max: 1, label: 'Error rate' },
  retryAfterSec: { max: 86_400, label: 'Retry-After (s)' },
  commitDelayMs: { max: 600_000, label: 'Commit delay (ms)' },
};

/** The numeric field each mode uses besides latencyMs (which applies in every mode). */
const MODE_FIELD: Partial<Record<FaultMode, NumberField>> = {
  [FAULT_MODES.errors]: 'errorRate',
  [FAULT_MODES.rateLimit]: 'retryAfterSec',
  [FAULT_MODES.commitThenTimeout]: 'commitDelayMs',
  [FAULT_MODES.lateCommit]: 'commitDelayMs',
  [FAULT_MODES.acceptedThenCommit]: 'commitDelayMs',
};

/** Fields that matter for a mode, so the form shows only those. */
export function fieldsFor(mode: FaultMode): NumberField[] {
  const extra = MODE_FIELD[mode];
  return extra ? ['latencyMs', extra] : ['latencyMs'];
}

/** Builds the PUT body from the form; fields irrelevant to the mode are left out. */
export function buildFaultConfig(form: FaultForm): {
  config?: FaultConfig;
  errors: Partial<Record<NumberField, string>>;
} {
  const config: FaultConfig = { mode: form.mode };
  const errors: Partial<Record<NumberField, string>> = {};
  for (const field of fieldsFor(form.mode)) {
    const text = form[field].trim();
    if (text === '') continue;
    const value = Number(text);
    const { max, label } = RANGES[field];
    if (!Number.isFinite(value) || value < 0 || value > max)
      errors[field] = `${label} must be a number from 0 to ${max}.`;
    else config[field] = value;
  }
  return Object.keys(errors).length > 0 ? { errors } : { config, errors };
}

/**
 * The simulator's fault config, polled like the other panels' data (someone
 * else, e.g. a test run, may change it), and replaced with `apply`.
 */
export function useFaults(baseUrl: string) {
  const control = useRefreshControl();
  const polling = usePolling(() => getFaults(baseUrl), { intervalMs: control.intervalMs, paused: control.paused });
  const applying = ref(false);
  const appliedAt = ref<number | null>(null);

  /** PUTs the config; the simulator answers with the config as stored, which becomes the shown data. */
  async function apply(config: FaultConfig): Promise<void> {
    applying.value = true;
    try {
      await polling.refresh(() => setFaults(baseUrl, config));
      if (!polling.error.value) appliedAt.value = Date.now();
    } finally {
      applying.value = false;
    }
  }

  return { ...polling, applying, appliedAt, apply };
}
