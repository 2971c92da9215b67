// The admin page's Content-Security-Policy, in its two forms: production (the
// project's own functions origin, no loopback, no wildcard) and the emulators'
// (their loopback origins instead). firebase.json is what `firebase deploy`
// reads, and a static file cannot name the project's functions origin, so
// Hosting is deployed with `npm run deploy:hosting -- --project <id>`
// (scripts/deploy-hosting.mjs), which writes a config with the production
// policy for that project; every emulator run writes one with the emulators'
// policy (scripts/emulator-config.mjs). The committed firebase.json carries the
// production policy without any functions origin, and its Hosting predeploy
// refuses a deploy that did not come through deploy-hosting.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** The functions' region when their env files name none (FUNCTIONS_REGION's default). */
export const DEFAULT_REGION = 'us-central1';

/** Where the page may connect wherever it is served: itself, Firebase Auth, App Check and reCAPTCHA. */
const CONNECT = [
  "'self'",
  'https://identitytoolkit.googleapis.com',
  'https://securetoken.googleapis.com',
  'https://content-firebaseappcheck.googleapis.com',
  'https://www.google.com/recaptcha/',
];

/** The emulators' origins the page calls in development: Auth, Functions and the payment simulator. */
export const EMULATOR_ORIGINS = [
  'http://127.0.0.1:9099',
  'http://127.0.0.1:5001',
  'http://127.0.0.1:8710',
  'http://localhost:9099',
  'http://localhost:5001',
];

/** The policy with `connect` as connect-src. */
function policy(connect) {
  return [
    "default-src 'none'",
    "script-src 'self' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    'frame-src https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/',
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of a project's HTTP and callable functions, as the SPA calls them (web/src/firebase.ts). */
export function functionsOrigin(projectId, region = DEFAULT_REGION) {
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId)) throw new Error(`not a Firebase project id: ${projectId}`);
  if (!/^[a-z]+-[a-z]+\d+$/.test(region)) throw new Error(`not a Cloud Functions region: ${region}`);
  return `https://${region}-${projectId}.cloudfunctions.net`;
}

/**
 * The production policy of the project `projectId` whose functions run in
 * `region`; without a project, the committed firebase.json's (no functions origin).
 */
export function productionCsp({ projectId, region } = {}) {
  return policy(projectId ? [...CONNECT, functionsOrigin(projectId, region)] : CONNECT);
}

/** The emulators' policy: their loopback origins, and `extra` (e.g. the Stripe fake's control API). */
export function emulatorCsp(extra = []) {
  return policy([...new Set([...CONNECT, ...EMULATOR_ORIGINS, ...extra])]);
}

/** FUNCTIONS_REGION of functions/.env and functions/.env.<projectId> (later wins), as `firebase deploy` reads them. */
export function deployedRegion(functionsDir, projectId) {
  const files = ['.env', `.env.${projectId}`].map((f) => join(functionsDir, f)).filter((f) => existsSync(f));
  const env = Object.assign({}, ...files.map((f) => parseEnv(readFileSync(f, 'utf8'))));
  return env.FUNCTIONS_REGION?.trim() || DEFAULT_REGION;
}

/** `hosting` (a firebase.json Hosting section) with `csp` as every Content-Security-Policy header. */
export function withCsp(hosting, csp) {
  if (!hosting?.headers) return hosting;
  const headers = hosting.headers.map((rule) => ({
    ...rule,
    headers: rule.headers.map((h) => (h.key === 'Content-Security-Policy' ? { ...h, value: csp } : h)),
  }));
  return { ...hosting, headers };
}
