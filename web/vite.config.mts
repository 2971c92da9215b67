import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import vue from '@vitejs/plugin-vue';
import { defineConfig, loadEnv, type Plugin } from 'vite';
import {
  appCheckEnforced,
  assertProductionSettings,
  EMULATOR_PROJECT,
  functionsRegion,
  usesEmulators,
} from './src/lib/buildEnv.ts';

const FUNCTIONS = fileURLToPath(new URL('../functions/', import.meta.url));

/** The functions' env files merged as firebase-tools merges them (later files win; .env.local only when emulating). */
function functionsEnv(projectId: string, emulators: boolean): Record<string, string | undefined> {
  const files = ['.env', `.env.${projectId}`, ...(emulators ? ['.env.local'] : [])].map((f) => join(FUNCTIONS, f));
  return Object.assign({}, ...files.filter((f) => existsSync(f)).map((f) => parseEnv(readFileSync(f, 'utf8'))));
}

/**
 * A build for a real project (not VITE_USE_EMULATORS=true) fails naming every
 * missing setting instead of shipping a page bound to the demo project; every
 * build and dev server calls the region the functions deploy to, and knows
 * whether they enforce App Check (then a real project's page needs its settings).
 */
function firebaseSettings(): Plugin {
  return {
    name: 'firebase-settings',
    config(config, { command, mode }) {
      const env = loadEnv(mode, config.envDir || config.root || process.cwd(), 'VITE_');
      const emulators = usesEmulators(env, command === 'serve');
      const projectId = env.VITE_FIREBASE_PROJECT_ID || EMULATOR_PROJECT;
      const functions = functionsEnv(projectId, emulators);
      // Vite reads VITE_ variables from process.env after the config hooks, so the page gets these like any other.
      process.env.VITE_FUNCTIONS_REGION = functionsRegion(env, functions);
      process.env.VITE_APPCHECK_ENFORCED = String(appCheckEnforced(env, functions));
      if (command === 'build' && !emulators) {
        assertProductionSettings({ ...env, VITE_APPCHECK_ENFORCED: process.env.VITE_APPCHECK_ENFORCED });
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), firebaseSettings()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
