/**
 * The SPA's build-time Firebase settings and their checks, shared by
 * vite.config.mts (a build for a real project without them fails) and
 * firebase.ts (the page never falls back to the demo project outside the
 * emulators). All of them are public web config: none is a secret.
 */

/** Settings a build for a real project cannot do without (README "Deploy"). */
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

/**
 * Names of the settings a build for a real project lacks: the web config, and
 * the App Check site key once App Check is enforced (VITE_APPCHECK_ENFORCED=true).
 */
export function missingSettings(env: Env): string[] {
  const missing = REQUIRED_SETTINGS.filter((name) => !text(env, name));
  if (text(env, 'VITE_APPCHECK_ENFORCED') === 'true' && !text(env, 'VITE_APPCHECK_SITE_KEY')) {
    missing.push('VITE_APPCHECK_SITE_KEY');
  }
  return missing;
}

/** Throws an error naming every missing setting; does nothing when none is missing. */
export function assertProductionSettings(env: Env): void {
  const missing = missingSettings(env);
  if (missing.length === 0) return;
  throw new Error(
    `The SPA is not built for the emulators (VITE_USE_EMULATORS is not true), so it needs its project's ` +
      `web config, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. Set ` +
      `${missing.length === 1 ? 'it' : 'them'} in the environment or web/.env.production.local (README "Deploy").`,
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
  };
}
