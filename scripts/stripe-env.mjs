// Stripe mode of the local emulators (`npm start -- --stripe`, the
// `integration-stripe` test stage): the functions run with PAYMENT_PROVIDER=stripe
// against the Stripe fake.
//
// Why a generated config and not an environment variable: the functions
// emulator gives each function the emulator's own environment overlaid with
// the dotenv files (.env, .env.<project>, .env.local; later files win), so a
// variable set in the environment cannot override functions/.env.local, which
// points PAYMENT_SERVICE_URL at the payment simulator. firebase-tools reads the
// dotenv files from the codebase's `configDir` (firebase.json, default the
// source folder), so Stripe mode writes a copy of them with the Stripe lines
// appended to .env.local into .cache/functions-env-stripe and a firebase config
// beside firebase.json (paths in it resolve from its folder) that names it.
// Secrets stay in functions/.secret.local, which the emulator always reads
// from the source folder. Nothing committed changes.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './emulator-env.mjs';

/** Where the Stripe fake listens in Stripe mode. */
export const STRIPE_FAKE_PORT = 12111;
/** The generated firebase config (git-ignored; removed when the run ends). */
export const STRIPE_FIREBASE_CONFIG = 'firebase.stripe.json';
const ENV_DIR = join('.cache', 'functions-env-stripe');

/** What the functions see in Stripe mode on top of functions/.env.local. */
export const STRIPE_FUNCTIONS_ENV = {
  PAYMENT_PROVIDER: 'stripe',
  PAYMENT_SERVICE_URL: `http://127.0.0.1:${STRIPE_FAKE_PORT}`,
};

/** The emulated stripeWebhook function's URL, where the fake delivers its events. */
export function stripeWebhookUrl(projectId, region = 'us-central1') {
  return `http://127.0.0.1:5001/${projectId}/${region}/stripeWebhook`;
}

/** `csp` with `origin` added to its connect-src directive (the page calls the fake's control API). */
export function allowConnect(csp, origin) {
  return csp
    .split(';')
    .map((d) => (d.trim().startsWith('connect-src ') && !d.includes(` ${origin}`) ? `${d} ${origin}` : d))
    .join(';');
}

/** The Hosting headers with the Stripe fake allowed in the page's Content-Security-Policy (development only). */
function withFakeInCsp(hosting) {
  if (!hosting?.headers) return hosting;
  const origin = `http://127.0.0.1:${STRIPE_FAKE_PORT}`;
  const headers = hosting.headers.map((rule) => ({
    ...rule,
    headers: rule.headers.map((h) =>
      h.key === 'Content-Security-Policy' ? { ...h, value: allowConnect(h.value, origin) } : h,
    ),
  }));
  return { ...hosting, headers };
}

/**
 * Writes the Stripe-mode dotenv folder and firebase config under `root` and
 * returns `{ configPath, envDir, remove() }`; pass `configPath` to firebase as
 * `--config` (or name `envDir` as the codebase's configDir in a config of your own).
 * The config's Hosting CSP also lets the admin page reach the Stripe fake's
 * control API (its development-only "complete authentication"); the committed
 * firebase.json, which is what deploys, does not.
 */
export function writeStripeEmulatorConfig(root = ROOT) {
  const functionsDir = join(root, 'functions');
  const envDir = join(root, ENV_DIR);
  rmSync(envDir, { recursive: true, force: true });
  mkdirSync(envDir, { recursive: true });
  for (const name of readdirSync(functionsDir)) {
    if (/^\.env(\..+)?$/.test(name)) copyFileSync(join(functionsDir, name), join(envDir, name));
  }
  const localPath = join(envDir, '.env.local');
  const local = existsSync(localPath) ? readFileSync(localPath, 'utf8') : '';
  const lines = Object.entries(STRIPE_FUNCTIONS_ENV).map(([k, v]) => `${k}=${v}\n`);
  writeFileSync(
    localPath,
    `${local}${local === '' || local.endsWith('\n') ? '' : '\n'}# Stripe mode (scripts/stripe-env.mjs)\n${lines.join('')}`,
  );
  const firebase = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8'));
  const codebases = [firebase.functions].flat().map((f) => ({ ...f, configDir: ENV_DIR }));
  const configPath = join(root, STRIPE_FIREBASE_CONFIG);
  const config = {
    ...firebase,
    functions: codebases,
    ...(firebase.hosting ? { hosting: withFakeInCsp(firebase.hosting) } : {}),
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return {
    configPath,
    envDir,
    remove() {
      rmSync(configPath, { force: true });
      rmSync(envDir, { recursive: true, force: true });
    },
  };
}
