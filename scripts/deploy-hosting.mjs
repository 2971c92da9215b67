// `npm run deploy:hosting -- --project <id>`: deploys Hosting (web/dist) with
// the production Content-Security-Policy of that project: firebase.json with
// the project's functions origin (region: FUNCTIONS_REGION of functions/.env
// and functions/.env.<id>) in connect-src, written to firebase.hosting.json
// (git-ignored, removed afterwards) and passed to `firebase deploy --config`.
// `--dry-run` writes and prints the config's policy without deploying (and
// keeps the file). `--check` is firebase.json's Hosting predeploy: it refuses
// a Hosting deploy that did not come through this script, whose policy would
// lack the functions origin (scripts/hosting-csp.mjs says why).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from './emulator-env.mjs';
import { deployedRegion, productionCsp, withCsp } from './hosting-csp.mjs';

/** The generated config `firebase deploy` reads. */
export const HOSTING_DEPLOY_CONFIG = 'firebase.hosting.json';
/** Set for the deploy; the predeploy check compares it with the project firebase-tools deploys to. */
const PROJECT_MARK = 'HOSTING_CSP_PROJECT';

/**
 * Writes `firebase.hosting.json` under `root`: firebase.json with the production
 * policy of `projectId` in every Content-Security-Policy header. Returns
 * `{ configPath, csp, remove() }`.
 */
export function writeHostingDeployConfig(projectId, root = ROOT) {
  const csp = productionCsp({ projectId, region: deployedRegion(join(root, 'functions'), projectId) });
  const firebase = JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8'));
  const configPath = join(root, HOSTING_DEPLOY_CONFIG);
  writeFileSync(configPath, `${JSON.stringify({ ...firebase, hosting: withCsp(firebase.hosting, csp) }, null, 2)}\n`);
  return { configPath, csp, remove: () => rmSync(configPath, { force: true }) };
}

/** Why the predeploy refuses `env`'s deploy, or null when it came through this script for the same project. */
export function predeployRefusal(env = process.env) {
  if (env[PROJECT_MARK] && env[PROJECT_MARK] === env.GCLOUD_PROJECT) return null;
  return (
    `Hosting must be deployed with \`npm run deploy:hosting -- --project ${env.GCLOUD_PROJECT ?? '<id>'}\`: ` +
    `its Content-Security-Policy names the project's functions origin, which firebase.json cannot (scripts/hosting-csp.mjs).`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { project: { type: 'string' }, 'dry-run': { type: 'boolean' }, check: { type: 'boolean' } },
  });
  if (values.check) {
    const refusal = predeployRefusal();
    if (refusal) {
      console.error(refusal);
      process.exit(1);
    }
    process.exit(0);
  }
  if (!values.project) {
    console.error('usage: npm run deploy:hosting -- --project <id> [--dry-run]');
    process.exit(2);
  }
  const deploy = writeHostingDeployConfig(values.project);
  console.log(`Content-Security-Policy for ${values.project}: ${deploy.csp}`);
  if (values['dry-run']) {
    console.log(`written to ${HOSTING_DEPLOY_CONFIG} (not deployed)`);
    process.exit(0);
  }
  const firebase = join(ROOT, 'node_modules/firebase-tools/lib/bin/firebase.js');
  const args = [firebase, 'deploy', '--only', 'hosting', '--project', values.project, '--config', deploy.configPath];
  const res = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, [PROJECT_MARK]: values.project },
  });
  deploy.remove();
  process.exit(res.status ?? 1);
}
