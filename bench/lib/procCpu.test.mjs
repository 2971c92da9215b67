import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuByKind, cpuSnapshot, kindOf, statTicks } from './procCpu.mjs';

describe('procCpu', () => {
  it('classifies the processes of the emulator setup by their command lines', () => {
    const node = '/work/x/node_modules/node/bin/node';
    expect(kindOf(`${node} /work/x/node_modules/firebase-tools/lib/emulator/functionsEmulatorRuntime`)).toBe(
      'functions workers',
    );
    expect(
      kindOf('java -Dgoogle.cloud_firestore.debug_log_level=FINE -jar /work/x/.cache/firestore-launcher.jar'),
    ).toBe('Firestore emulator');
    expect(kindOf(`${node} /work/x/node_modules/firebase-tools/lib/bin/firebase.js emulators:exec --only auth`)).toBe(
      'emulator hub',
    );
    expect(kindOf(`${node} /work/x/devtools/payment-simulator/main.ts --port 8710`)).toBe('payment simulator');
    expect(kindOf(`${node} /work/x/devtools/cloudwatch-local/main.ts --port 4586`)).toBe('CloudWatch endpoint');
    expect(kindOf(`${node} /work/x/bench/emulator-stage.mjs --out r.json`)).toBe('bench client');
    expect(kindOf('java -jar /opt/other.jar')).toBeNull();
    expect(kindOf('/usr/bin/bash')).toBeNull();
  });

  it('reads user + system ticks after the command name, whatever the name holds', () => {
    const rest = 'S 1 2 3 4 5 6 7 8 9 10 111 222 13 14 15';
    expect(statTicks(`42 (node) ${rest}`)).toBe(333);
    expect(statTicks(`42 (a b) (c) ${rest}`)).toBe(333);
  });

  it('subtracts snapshots per kind; a process that started in between counts whole', () => {
    const before = { 1: { kind: 'functions workers', ms: 100 }, 2: { kind: 'Firestore emulator', ms: 50 } };
    const after = {
      1: { kind: 'functions workers', ms: 130 },
      2: { kind: 'Firestore emulator', ms: 60 },
      3: { kind: 'functions workers', ms: 20 },
    };
    const d = cpuByKind(before, after);
    expect(d['functions workers']).toBe(50);
    expect(d['Firestore emulator']).toBe(10);
    expect(d['payment simulator']).toBe(0);
    expect(cpuByKind(null, after)).toBeNull();
  });

  it.runIf(process.platform === 'linux')('measures the CPU a process of a known kind burns', async () => {
    // A child whose command line names the simulator: on "go" it burns 300 ms of user CPU, then prints the CPU
    // (user + system, ms) of that burn and of its whole life, as Node counts them.
    const burn = [
      "process.stdin.once('data', () => {",
      'const ms = (u) => (u.user + u.system) / 1000; const t = process.cpuUsage();',
      'while (process.cpuUsage(t).user < 300_000);',
      'console.log(JSON.stringify({ burn: ms(process.cpuUsage(t)), life: ms(process.cpuUsage()) })); })',
    ].join(' ');
    const child = spawn(process.execPath, ['-e', burn, 'payment-simulator'], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const before = cpuSnapshot();
      expect(before[child.pid]?.kind).toBe('payment simulator');
      const done = new Promise((resolve) => child.stdout.once('data', (d) => resolve(JSON.parse(String(d)))));
      child.stdin.write('go\n');
      const own = await done;
      const after = cpuSnapshot();
      // Only the child's own share: other simulators (a test stage running beside) count in the kind's total too.
      // The kernel counts in clock ticks (10 ms), hence the slack.
      const spent = after[child.pid].ms - before[child.pid].ms;
      expect(spent).toBeGreaterThanOrEqual(own.burn - 20);
      expect(spent).toBeLessThanOrEqual(own.life + 20);
      expect(cpuByKind(before, after)['payment simulator']).toBeGreaterThanOrEqual(spent);
    } finally {
      child.kill();
    }
  });
});
