// CPU time each kind of process of the emulator setup spent, read from Linux's
// /proc (utime + stime of every process, classified by its command line), so
// section 5 can say what one call costs the whole machine, process by process:
// once the two cores are saturated (concurrency 20) that cost, not any one
// phase, is what sets a callable's latency. Elsewhere than Linux it measures
// nothing (null), rather than guessing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The kinds of process, in table order; each with the test its command line must pass. */
export const PROCESS_KINDS = [
  { kind: 'functions workers', test: (cmd) => cmd.includes('functionsEmulatorRuntime') },
  { kind: 'Firestore emulator', test: (cmd) => /\bjava\b/.test(cmd) && /firestore/i.test(cmd) },
  { kind: 'emulator hub', test: (cmd) => /firebase/.test(cmd) && /emulators:/.test(cmd) },
  { kind: 'payment simulator', test: (cmd) => cmd.includes('payment-simulator') },
  { kind: 'CloudWatch endpoint', test: (cmd) => cmd.includes('cloudwatch-local') },
  { kind: 'bench client', test: (cmd) => cmd.includes('emulator-stage.mjs') },
];

/** The kind of a process from its command line (arguments joined by spaces), or null when it is none of them. */
export function kindOf(cmdline) {
  return PROCESS_KINDS.find((k) => k.test(cmdline))?.kind ?? null;
}

/** User + system CPU of a /proc/<pid>/stat line, in clock ticks (fields 14 and 15; the name may hold spaces). */
export function statTicks(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

let tickMs;
const msPerTick = () => (tickMs ??= 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })));

/**
 * CPU ms spent so far by every classified process, by pid: `{ pid: { kind, ms } }`;
 * null where /proc cannot be read. A process that ends between two snapshots
 * is missing from the second one, so only long-lived processes are compared.
 */
export function cpuSnapshot() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const snap = {};
  for (const pid of pids) {
    try {
      const kind = kindOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      if (kind) snap[pid] = { kind, ms: statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * msPerTick() };
    } catch {
      // The process ended while it was being read.
    }
  }
  return snap;
}

/** CPU ms spent between two snapshots, per kind (a process present in `after` only counts from its start). */
export function cpuByKind(before, after) {
  if (!before || !after) return null;
  const out = Object.fromEntries(PROCESS_KINDS.map((k) => [k.kind, 0]));
  for (const [pid, p] of Object.entries(after)) out[p.kind] += p.ms - (before[pid]?.ms ?? 0);
  return out;
}
