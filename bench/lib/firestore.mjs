// A standalone Firestore emulator for the query-pool bench (port 8392, not one
// of the ports the Firebase emulator suite uses), found the way the project's
// scripts find it (scripts/emulator-env.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { emulatorEnv } from '../../scripts/emulator-env.mjs';
import { stopProcess } from '../../scripts/local-env.mjs';
import { sleep } from './measure.mjs';

export const FIRESTORE_BENCH_PORT = 8392;

/** The Firestore emulator jar: FIRESTORE_EMULATOR_BINARY_PATH (set or launcher), else firebase-tools' cached one. */
function firestoreJar(env) {
  if (env.FIRESTORE_EMULATOR_BINARY_PATH) return env.FIRESTORE_EMULATOR_BINARY_PATH;
  const dir = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'firebase', 'emulators');
  const cached = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^cloud-firestore-emulator.*\.jar$/.test(f))
        .sort()
    : [];
  if (cached.length === 0)
    throw new Error(
      'No Firestore emulator jar: run `npm test -- integration` once online, or install the Google Cloud SDK Firestore emulator.',
    );
  return join(dir, cached[cached.length - 1]);
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Starts the emulator and resolves once it answers "Ok"; `stop()` ends it. */
export async function startFirestoreEmulator(port = FIRESTORE_BENCH_PORT) {
  if (!(await portFree(port)))
    throw new Error(`Port ${port} is in use; stop whatever listens there (a leftover Firestore emulator?) and retry.`);
  const env = emulatorEnv();
  const java = join(env.JAVA_HOME, 'bin', 'java');
  const child = spawn(java, ['-jar', firestoreJar(env), `--host=127.0.0.1`, `--port=${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Firestore emulator exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if ((await res.text()).trim() === 'Ok') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`Firestore emulator did not answer within 90 s: ${output}`);
    }
    await sleep(250);
  }
  return { host: `127.0.0.1:${port}`, stop: () => stopProcess(child) };
}
