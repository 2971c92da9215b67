// Shared pieces of the local orchestration (start, test, bench): the
// development secret, the local dev servers, and process helpers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './emulator-env.mjs';
import { STRIPE_FAKE_PORT, stripeWebhookUrl } from './stripe-env.mjs';

export const PROJECT_ID = JSON.parse(readFileSync(join(ROOT, '.firebaserc'), 'utf8')).projects.default;
export const SECRET_FILE = join(ROOT, 'functions', '.secret.local');
export const SIMULATOR_PORT = 8710;
export const CLOUDWATCH_PORT = 4586;
/** Build-time settings of the SPA when it runs against the local emulators. */
export const LOCAL_WEB_ENV = {
  VITE_USE_EMULATORS: 'true',
  VITE_PAYMENT_SIMULATOR_URL: `http://127.0.0.1:${SIMULATOR_PORT}`,
};
/** The same in Stripe mode: the Stripe fake's control API instead of the simulator's. */
export const STRIPE_WEB_ENV = {
  VITE_USE_EMULATORS: 'true',
  VITE_STRIPE_FAKE_URL: `http://127.0.0.1:${STRIPE_FAKE_PORT}`,
};
export const USERS = {
  admin: { email: 'admin@example.com', password: 'admin-password', admin: true },
  user: { email: 'user@example.com', password: 'user-password', admin: false },
};

/** Appends `name=value` lines for the names the secret file lacks (existing lines never change); returns the names added. */
function addMissingSecrets(values) {
  const text = readFileSync(SECRET_FILE, 'utf8');
  const missing = Object.keys(values).filter((name) => !new RegExp(`^${name}=`, 'm').test(text));
  if (missing.length > 0) {
    const lines = missing.map((name) => `${name}=${values[name]}\n`).join('');
    writeFileSync(SECRET_FILE, `${text}${text.length === 0 || text.endsWith('\n') ? '' : '\n'}${lines}`, {
      mode: 0o600,
    });
  }
  return missing;
}

/**
 * Creates functions/.secret.local with a development API key when it is missing,
 * and adds a development SEAL_KEY (sealed reads) when the file lacks one.
 * When functions/.env.local ships logs to CloudWatch with an access key (a log
 * group and a region, no AWS_ROLE_ARN), it also adds development
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY lines the file lacks: the functions
 * then read them as secrets, as in production, and sign the local endpoint's
 * requests with them. With `stripe`, it adds a development
 * STRIPE_WEBHOOK_SECRET (the Stripe fake signs its webhooks with it, the
 * stripeWebhook function verifies them). Existing lines are never changed;
 * values are never printed. Returns the PAYMENT_API_KEY.
 */
export function ensureDevSecret({ stripe = false } = {}) {
  if (!existsSync(SECRET_FILE)) {
    writeFileSync(SECRET_FILE, `PAYMENT_API_KEY=dev_${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    console.log('created functions/.secret.local with a development PAYMENT_API_KEY');
  }
  if (addMissingSecrets({ SEAL_KEY: `dev_seal_${randomBytes(24).toString('hex')}` }).length > 0) {
    console.log('added a development SEAL_KEY to functions/.secret.local (sealed reads)');
  }
  const envLocal = join(ROOT, 'functions', '.env.local');
  const local = existsSync(envLocal) ? readFileSync(envLocal, 'utf8') : '';
  const isSet = (name) => (new RegExp(`^${name}=(.*)$`, 'm').exec(local)?.[1] ?? '').trim() !== '';
  if (isSet('CLOUDWATCH_LOG_GROUP') && isSet('AWS_REGION') && !isSet('AWS_ROLE_ARN')) {
    const added = addMissingSecrets({
      AWS_ACCESS_KEY_ID: `AKIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`,
      AWS_SECRET_ACCESS_KEY: `local_${randomBytes(20).toString('hex')}`,
    });
    if (added.length > 0)
      console.log(`added development ${added.join(' and ')} to functions/.secret.local (local CloudWatch endpoint)`);
  }
  if (stripe && addMissingSecrets({ STRIPE_WEBHOOK_SECRET: `whsec_dev_${randomBytes(16).toString('hex')}` }).length) {
    console.log('added a development STRIPE_WEBHOOK_SECRET to functions/.secret.local (Stripe fake webhooks)');
  }
  return /^PAYMENT_API_KEY=(.*)$/m.exec(readFileSync(SECRET_FILE, 'utf8'))?.[1]?.trim();
}

/** Runs a command to completion, inheriting stdio; rejects on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

/**
 * Starts a long-running process and resolves once its output has shown every
 * pattern of `ready` (one RegExp, or several that must appear in that order,
 * each on its own line); returns a handle whose `stop()` ends it. Output is
 * prefixed with `name` unless `quiet`. Rejects, and stops the process, when it
 * exits first, prints a line matching `failPattern`, or is not ready within
 * `timeoutMs`. `spawn` replaces node's spawn (tests use fake processes).
 */
export function startService(name, cmd, args, ready, opts = {}) {
  const { quiet = false, failPattern, timeoutMs = 30_000, spawn: spawnProcess = spawn, ...spawnOpts } = opts;
  const waitingFor = [ready].flat();
  return new Promise((resolve, reject) => {
    const child = spawnProcess(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts });
    let settled = false;
    let partial = '';
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopProcess(child);
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`${name} did not start within ${timeoutMs / 1000} s`), timeoutMs);
    const onData = (chunk) => {
      const text = chunk.toString();
      if (!quiet) process.stdout.write(text.replace(/^(?=.)/gm, `[${name}] `));
      if (settled) return;
      // Patterns are matched on whole lines: a chunk may end in the middle of one.
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (failPattern?.test(line)) return fail(`${name}: ${line.trim()}`);
        if (waitingFor[0]?.test(line)) waitingFor.shift();
        if (waitingFor.length === 0) {
          settled = true;
          clearTimeout(timer);
          return resolve({ child, stop: () => stopProcess(child) });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => fail(`${name} exited with ${code ?? signal} before it was ready`));
    child.on('error', (err) => fail(`${name} could not start: ${err.message}`));
  });
}

/** Sends SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the payment provider's local stand-in and the local CloudWatch
 * endpoint (when present). `provider` 'generic' runs the payment simulator;
 * 'stripe' runs the Stripe fake on STRIPE_FAKE_PORT, with the API key and
 * webhook secret from functions/.secret.local (see ensureDevSecret) and its
 * webhooks going to the emulated stripeWebhook function.
 */
export async function startDevServers({ quiet = false, provider = 'generic' } = {}) {
  const started = [];
  const stopAll = () => Promise.all(started.map((s) => s.stop()));
  try {
    const sim = join(ROOT, 'devtools/payment-simulator/main.ts');
    if (provider === 'stripe') {
      const fake = join(ROOT, 'devtools/stripe-fake/main.ts');
      const args = [fake, '--port', String(STRIPE_FAKE_PORT), '--secret-file', SECRET_FILE];
      args.push('--webhook-url', stripeWebhookUrl(PROJECT_ID));
      started.push(await startService('stripe-fake', process.execPath, args, /listening on/, { quiet }));
    } else if (existsSync(sim)) {
      started.push(
        await startService(
          'payment-simulator',
          process.execPath,
          [sim, '--port', String(SIMULATOR_PORT), '--secret-file', SECRET_FILE],
          /listening on/,
          { quiet },
        ),
      );
    }
    const cw = join(ROOT, 'devtools/cloudwatch-local/main.ts');
    if (existsSync(cw)) {
      started.push(
        await startService(
          'cloudwatch-local',
          process.execPath,
          [cw, '--port', String(CLOUDWATCH_PORT)],
          /listening on/,
          { quiet },
        ),
      );
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { stop: stopAll };
}
