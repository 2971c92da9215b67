/**
 * The SPA's build-time Firebase settings and their checks, shared by
 * vite.config.mts (a build for a real project without them fails) and
 * firebase.ts (the page never falls back to the demo project outside the
 * emulators). All of them are public web config: none is a secret.
 */

/** Settings a build for a real project cannot do without (docs/deploy.md). */
export const REQUIRED_SETTINGS = ['VITE_FIREBASE_API_KEY', 'VITE_FIREBASE_PROJECT_ID', 'VITE_FIREBASE_AUTH_DOMAIN'];

/** The functions' region when nothing names one; the same default as FUNCTIONS_REGION. */
export const DEFAULT_FUNCTIONS_REGION = 'us-central1';

/** The project the emulators run (.firebaserc). */
export const EMULATOR_PROJECT = 'demo-payments';

/** Build-time variables: `import.meta.env`, Vite's `loadEnv` or a parsed dotenv file. */
export type Env = Readonly<Record<string, unknown>>;

/** The Firebase web config the page starts with. */
export interface WebConfig {
  /** Whether the page talks to the local emulators. */
  emulators: boolean;
  apiKey: string;
  projectId: string;
  authDomain: string;
  /** Region of the callables (the functions' FUNCTIONS_REGION). */
  functionsRegion: string;
  /** The web app's id (VITE_FIREBASE_APP_ID); App Check's reCAPTCHA exchange needs it. */
  appId: string | undefined;
  /** reCAPTCHA Enterprise site key of App Check (VITE_APPCHECK_SITE_KEY); null: no App Check outside the emulators. */
  appCheckSiteKey: string | null;
}

const text = (env: Env, key: string): string | undefined => {
  const value = env[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** VITE_USE_EMULATORS=true, or unset in `vite dev` (`dev`). */
export function usesEmulators(env: Env, dev: boolean): boolean {
  const flag = text(env, 'VITE_USE_EMULATORS');
  return flag ? flag === 'true' : dev;
}

/** What a page needs beyond the web config when the functions enforce App Check: reCAPTCHA Enterprise and its app. */
export const APP_CHECK_SETTINGS = ['VITE_APPCHECK_SITE_KEY', 'VITE_FIREBASE_APP_ID'];

/**
 * Names of the settings a build for a real project lacks: the web config, and
 * App Check's once the functions enforce it (VITE_APPCHECK_ENFORCED=true, see {@link appCheckEnforced}).
 */
export function missingSettings(env: Env): string[] {
  const missing = REQUIRED_SETTINGS.filter((name) => !text(env, name));
  if (text(env, 'VITE_APPCHECK_ENFORCED') === 'true') {
    missing.push(...APP_CHECK_SETTINGS.filter((name) => !text(env, name)));
  }
  return missing;
}

/**
 * Whether the functions refuse calls without App Check: APP_CHECK_ENFORCE of the
 * functions' env files (`functionsEnv`), true when unset as in config/configSchema.ts. A
 * build records it as VITE_APPCHECK_ENFORCED; setting that to something else
 * is an error, since the page would then lack App Check or demand it for nothing.
 */
export function appCheckEnforced(env: Env, functionsEnv: Env): boolean {
  const flag = text(functionsEnv, 'APP_CHECK_ENFORCE')?.toLowerCase();
  const enforced = flag === undefined || ['true', '1', 'yes'].includes(flag);
  const asked = text(env, 'VITE_APPCHECK_ENFORCED');
  if (asked !== undefined && asked !== String(enforced)) {
    throw new Error(
      `VITE_APPCHECK_ENFORCED is ${asked} but the functions have APP_CHECK_ENFORCE=${enforced} (functions/.env or ` +
        `functions/.env.<projectId>): leave VITE_APPCHECK_ENFORCED unset, the build takes it from there.`,
    );
  }
  return enforced;
}

/**
 * Settings that point the page at a development server's control API (the
 * payment simulator, the Stripe fake): refused in a page for a real project,
 * which must never offer to drive a fake.
 */
export const DEVELOPMENT_ONLY_SETTINGS = ['VITE_PAYMENT_SIMULATOR_URL', 'VITE_STRIPE_FAKE_URL'];

/** Names of the development-only settings that are set. */
export function developmentSettings(env: Env): string[] {
  return DEVELOPMENT_ONLY_SETTINGS.filter((name) => text(env, name) !== undefined);
}

/** Throws an error naming every missing (or development-only) setting; does nothing when there is none. */
export function assertProductionSettings(env: Env): void {
  const development = developmentSettings(env);
  if (development.length > 0) {
    throw new Error(
      `The SPA is not built for the emulators (VITE_USE_EMULATORS is not true), but ${development.join(', ')} ` +
        `${development.length === 1 ? 'points' : 'point'} it at a development server: unset ` +
        `${development.length === 1 ? 'it' : 'them'} for a production build (docs/security.md).`,
    );
  }
  const missing = missingSettings(env);
  if (missing.length === 0) return;
  throw new Error(
    `The SPA is not built for the emulators (VITE_USE_EMULATORS is not true), so it needs its project's ` +
      `web config, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. Set ` +
      `${missing.length === 1 ? 'it' : 'them'} in the environment or web/.env.production.local (docs/deploy.md).`,
  );
}

/**
 * The functions' region for a build: FUNCTIONS_REGION of the functions' env
 * files (`functionsEnv`, merged as `firebase deploy` merges them), so the page
 * calls the region the functions are deployed to. VITE_FUNCTIONS_REGION may
 * name it too, but a different value is an error, not an override.
 */
export function functionsRegion(env: Env, functionsEnv: Env): string {
  const deployed = text(functionsEnv, 'FUNCTIONS_REGION') ?? DEFAULT_FUNCTIONS_REGION;
  const asked = text(env, 'VITE_FUNCTIONS_REGION');
  if (asked && asked !== deployed) {
    throw new Error(
      `VITE_FUNCTIONS_REGION is ${asked} but the functions deploy to ${deployed} (FUNCTIONS_REGION in ` +
        `functions/.env or functions/.env.<projectId>): the page would call functions that do not exist there.`,
    );
  }
  return deployed;
}

/**
 * The page's Firebase config. Only a page that talks to the emulators falls back
 * to the demo project; any other page without its settings throws naming them.
 */
export function webConfig(env: Env, dev: boolean): WebConfig {
  const emulators = usesEmulators(env, dev);
  if (!emulators) assertProductionSettings(env);
  const projectId = text(env, 'VITE_FIREBASE_PROJECT_ID') ?? EMULATOR_PROJECT;
  return {
    emulators,
    apiKey: text(env, 'VITE_FIREBASE_API_KEY') ?? 'demo-api-key',
    projectId,
    authDomain: text(env, 'VITE_FIREBASE_AUTH_DOMAIN') ?? `${projectId}.firebaseapp.com`,
    functionsRegion: text(env, 'VITE_FUNCTIONS_REGION') ?? DEFAULT_FUNCTIONS_REGION,
    appId: text(env, 'VITE_FIREBASE_APP_ID'),
    appCheckSiteKey: text(env, 'VITE_APPCHECK_SITE_KEY') ?? null,
  };
}
