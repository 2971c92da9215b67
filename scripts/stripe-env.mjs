// Stripe mode of the local emulators (`npm start -- --stripe`, the
// `integration-stripe` test stage): the functions run with PAYMENT_PROVIDER=stripe
// against the Stripe fake, from a generated config (scripts/emulator-config.mjs
// says why an environment variable would not do).
import { ROOT } from './emulator-env.mjs';
import { writeEmulatorConfig } from './emulator-config.mjs';

/** Where the Stripe fake listens in Stripe mode. */
export const STRIPE_FAKE_PORT = 12111;
/** The generated firebase config (git-ignored; removed when the run ends). */
export const STRIPE_FIREBASE_CONFIG = 'firebase.stripe.json';

/** What the functions see in Stripe mode on top of functions/.env.local. */
export const STRIPE_FUNCTIONS_ENV = {
  PAYMENT_PROVIDER: 'stripe',
  PAYMENT_SERVICE_URL: `http://127.0.0.1:${STRIPE_FAKE_PORT}`,
};

/** The emulated stripeWebhook function's URL, where the fake delivers its events. */
export function stripeWebhookUrl(projectId, region = 'us-central1') {
  return `http://127.0.0.1:5001/${projectId}/${region}/stripeWebhook`;
}

/**
 * Writes the Stripe-mode dotenv folder and firebase config under `root` and
 * returns `{ configPath, envDir, remove() }`; pass `configPath` to firebase as
 * `--config` (or name `envDir` as the codebase's configDir in a config of your own).
 * `functionsEnv` adds lines of the run's own (the test suites' limits) before the Stripe ones.
 * The config's Hosting CSP also lets the admin page reach the Stripe fake's
 * control API (its development-only "complete authentication"); the committed
 * firebase.json, which is what deploys, does not.
 */
export function writeStripeEmulatorConfig(root = ROOT, functionsEnv = {}) {
  return writeEmulatorConfig({
    name: 'stripe',
    label: 'Stripe mode (scripts/stripe-env.mjs)',
    functionsEnv: { ...functionsEnv, ...STRIPE_FUNCTIONS_ENV },
    connect: [`http://127.0.0.1:${STRIPE_FAKE_PORT}`],
    root,
  });
}
