// startFunctions against fake tsc and emulator processes that print the real
// tools' lines and behave like them where it matters: the fake emulator loads
// the functions when it starts and loads them again whenever lib/ is written
// after that, as the real one does.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startFunctions } from './start-functions.mjs';

const LOADED =
  '✔  functions: Loaded functions definitions from source: processPayment, getDatabasePoolStatus, getConnectionPoolStats, resetCircuitBreakers, reconcilePayments.\n';
const READY = '│ ✔  All emulators ready! It is now safe to connect your app. │\n';
const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class FakeProcess extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  exitCode = null;
  signalCode = null;
  constructor(name) {
    super();
    this.name = name;
  }
  print(text) {
    if (this.signalCode === null) this.stdout.write(text);
  }
  kill(signal = 'SIGTERM') {
    this.signalCode = signal;
    setImmediate(() => this.emit('exit', null, signal));
    return true;
  }
}

/** A fake `spawn` for tsc and the emulators; `events` records, in order, what happened. */
function fakeTools({ tscErrors = 0, functionsLoad = true } = {}) {
  const events = [];
  const lib = new EventEmitter();
  const spawned = [];
  const spawn = (_cmd, args) => {
    if (args.includes('--watch')) {
      const tsc = new FakeProcess('tsc');
      spawned.push(tsc);
      setTimeout(() => {
        tsc.print('7:00:01 AM - Starting compilation in watch mode...\n\n');
        if (tscErrors) tsc.print("src/index.ts(1,1): error TS2304: Cannot find name 'x'.\n\n");
        else lib.emit('write');
        events.push('tsc built');
        const count = tscErrors === 1 ? '1 error' : `${tscErrors} errors`;
        tsc.print(`7:00:05 AM - Found ${count}. Watching for file changes.\n`);
      }, 30);
      return tsc;
    }
    if (args.includes('emulators:start')) {
      const emulators = new FakeProcess('emulators');
      spawned.push(emulators);
      const load = () => {
        if (emulators.signalCode !== null) return;
        if (!functionsLoad) {
          emulators.print('✘  functions: Failed to load function definition from source: FirebaseError: boom\n');
          return;
        }
        events.push('functions loaded');
        emulators.print('✔  functions: Using node@24 from host.\n');
        // The real emulator may split a line across writes.
        emulators.print(LOADED.slice(0, 20));
        emulators.print(LOADED.slice(20));
      };
      // Like chokidar + the emulator's 1 s debounce: a write to lib/ reloads every function.
      lib.on('write', () => setTimeout(load, 20));
      setTimeout(() => {
        emulators.print('i  functions: Watching "/work/main/functions" for Cloud Functions...\n');
        load();
        emulators.print(READY);
      }, 10);
      return emulators;
    }
    throw new Error(`unexpected spawn ${args.join(' ')}`);
  };
  return { spawn, events, spawned };
}

describe('startFunctions', () => {
  it('builds before the emulators start, so the functions load once, and resolves after that load', async () => {
    const tools = fakeTools();
    const { watcher, emulators } = await startFunctions({ spawn: tools.spawn, quiet: true });
    tools.events.push('ready');
    // Give a late build time to trigger the reload it would cause.
    await later(150);
    expect(tools.events).toEqual(['tsc built', 'functions loaded', 'ready']);
    await Promise.all([watcher.stop(), emulators.stop()]);
    expect(tools.spawned.map((p) => p.signalCode)).toEqual(['SIGTERM', 'SIGTERM']);
  });

  it('fails on a build with errors, without starting the emulators', async () => {
    const tools = fakeTools({ tscErrors: 1 });
    await expect(startFunctions({ spawn: tools.spawn, quiet: true })).rejects.toThrow(
      'tsc: 7:00:05 AM - Found 1 error. Watching for file changes.',
    );
    expect(tools.spawned.map((p) => [p.name, p.signalCode])).toEqual([['tsc', 'SIGTERM']]);
  });

  it('fails when the emulator cannot load the functions, even though it then says ready, and stops both', async () => {
    const tools = fakeTools({ functionsLoad: false });
    await expect(startFunctions({ spawn: tools.spawn, quiet: true })).rejects.toThrow(
      /emulators: .*Failed to load function definition/,
    );
    expect(tools.spawned.map((p) => [p.name, p.signalCode])).toEqual([
      ['tsc', 'SIGTERM'],
      ['emulators', 'SIGTERM'],
    ]);
  });
});
