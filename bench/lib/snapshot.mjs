// A private copy of the built functions for the bench. The workspace's
// functions/lib may be rebuilt while the bench runs (the functions emulator
// reloads on every change, and a half-written build fails to load), so the
// bench measures and serves the build it made, copied once.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/emulator-env.mjs';

/**
 * Copies functions/lib, package.json and the emulator's env/secret files to
 * .cache/bench/functions (inside the repo, so packages still resolve from the
 * root node_modules) and returns that folder.
 */
export function snapshotFunctions() {
  const source = join(ROOT, 'functions');
  const dest = join(ROOT, '.cache', 'bench', 'functions');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const files = readdirSync(source).filter(
    (f) => f === 'package.json' || f === '.secret.local' || f === '.env' || f.startsWith('.env.'),
  );
  for (const f of files) cpSync(join(source, f), join(dest, f));
  if (!existsSync(join(source, 'lib', 'index.js')))
    throw new Error('functions/lib is missing: build the functions first (npm run build -w functions).');
  cpSync(join(source, 'lib'), join(dest, 'lib'), { recursive: true });
  return dest;
}
