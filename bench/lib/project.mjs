// Loads the project's compiled CommonJS (functions/lib, from `npm run build -w
// functions`) and its runtime dependencies the way the functions resolve them,
// so the bench measures exactly the code that is deployed. scripts/bench.mjs
// points BENCH_FUNCTIONS_DIR at its snapshot of the build (lib/snapshot.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../../scripts/emulator-env.mjs';

/** The functions folder the bench uses: the snapshot when set, else the workspace's. */
export const FUNCTIONS_DIR = process.env.BENCH_FUNCTIONS_DIR ?? join(ROOT, 'functions');
const functionsRequire = createRequire(join(FUNCTIONS_DIR, 'package.json'));

/** `require` of a compiled module under functions/lib, e.g. `lib('resilience/http/httpPool.js')`. */
export function lib(path) {
  const file = join(FUNCTIONS_DIR, 'lib', path);
  if (!existsSync(file)) {
    throw new Error(`functions/lib/${path} is missing: build the functions first (npm run build -w functions).`);
  }
  return functionsRequire(file);
}

/** `require` of a package as the functions resolve it (axios, firebase-admin...). */
export function dep(name) {
  return functionsRequire(name);
}
