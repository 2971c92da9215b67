// Runs firebase-functions' deploy-time discovery, as `firebase deploy` does, on a copy of functions/.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs discovery on the functions source in `dir` (with its node_modules) under
 * `env` plus PATH and HOME; `manifest` is what it wrote (shape `M`), or null when it failed.
 */
export function runDiscovery<M>(dir: string, env: Record<string, string>) {
  const out = join(dir, 'manifest.json');
  const res = spawnSync(
    process.execPath,
    [join(dir, 'node_modules/firebase-functions/lib/bin/firebase-functions.js'), dir],
    {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, FUNCTIONS_MANIFEST_OUTPUT_PATH: out },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return {
    ...res,
    manifest: res.status === 0 && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as M) : null,
  };
}
