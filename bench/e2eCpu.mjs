// Section 5's machine CPU per call: what each measured run of each callable
// cost every process of the emulator setup (bench/lib/procCpu.mjs), summed
// over the rounds and divided by the calls. At concurrency 20 the two cores are
// saturated, so a callable's latency follows this total, not any one phase.
import { cpuByKind, cpuSnapshot, PROCESS_KINDS } from './lib/procCpu.mjs';
import { fmtMs, fmtRatio } from './report.mjs';

/** Records the CPU of the runs of one section: `await cpu.during(mode, variant, calls, run)`. */
export class RunCpu {
  #runs = new Map();

  /** Runs `run()` and adds what every process spent meanwhile to (mode, variant); returns run()'s result. */
  async during(mode, variant, calls, run) {
    const before = cpuSnapshot();
    const result = await run();
    const spent = cpuByKind(before, cpuSnapshot());
    const key = `${mode}\u0000${variant}`;
    const acc = this.#runs.get(key) ?? { calls: 0, byKind: {}, measured: true };
    acc.calls += calls;
    if (spent === null) acc.measured = false;
    else for (const [kind, ms] of Object.entries(spent)) acc.byKind[kind] = (acc.byKind[kind] ?? 0) + ms;
    this.#runs.set(key, acc);
    return result;
  }

  /** CPU ms per call of (mode, variant) by process kind, with `total`; null when /proc could not be read. */
  perCall(mode, variant) {
    const acc = this.#runs.get(`${mode}\u0000${variant}`);
    if (!acc || !acc.measured || acc.calls === 0) return null;
    const out = Object.fromEntries(PROCESS_KINDS.map(({ kind }) => [kind, (acc.byKind[kind] ?? 0) / acc.calls]));
    out.total = Object.values(out).reduce((a, b) => a + b, 0);
    return out;
  }

  /** The section's table and note: one row per mode and variant, the total also as a ratio to `baseline`'s. */
  table(modes, variants, baseline) {
    const rows = [];
    for (const mode of modes) {
      const base = this.perCall(mode, baseline);
      for (const v of variants) {
        const c = this.perCall(mode, v);
        const cells = c ? PROCESS_KINDS.map(({ kind }) => fmtMs(c[kind])) : PROCESS_KINDS.map(() => 'not measured');
        const vsBase = c && base ? (v === baseline ? '1' : fmtRatio(c.total / base.total)) : 'n/a';
        rows.push([mode, v, ...cells, c ? fmtMs(c.total) : 'not measured', vsBase]);
      }
    }
    return {
      table: {
        headers: ['mode', 'callable', ...PROCESS_KINDS.map(({ kind }) => kind), 'machine CPU per call', 'vs baseline'],
        rows,
      },
      note: `Machine CPU per call: user + system CPU of every process of the setup (Linux /proc, clock ticks of 10 ms) from the start to the end of each measured run, summed over the rounds and divided by the calls: functions workers (every worker of every function, idle ones included), the Firestore emulator's JVM, the emulator hub (firebase-tools: routing, auth emulator, the workers' log lines), the payment simulator, the CloudWatch endpoint and the bench's own web SDK clients. With two cores saturated at the widest concurrency, the p50 ratio there follows the ratio of these totals.`,
    };
  }
}
