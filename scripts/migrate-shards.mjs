// Sets the index `shard` on every payment written before the field existed:
// `npm run migrate:shards -- --project <id>` (Application Default Credentials), or against the Firestore
// emulator when FIRESTORE_EMULATOR_HOST is set (--project optional there). Resumable and idempotent:
// functions/src/payments/ledger/shardBackfill.ts. Prints counts only, never a document's id or contents.
import { initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { PROJECT_ID } from './local-env.mjs';

const args = process.argv.slice(2);
const projectFlag = args.indexOf('--project');
const project = projectFlag >= 0 ? args[projectFlag + 1] : undefined;
const emulator = process.env.FIRESTORE_EMULATOR_HOST;
if ((projectFlag >= 0 && (!project || project.startsWith('--'))) || (!project && !emulator)) {
  console.error('usage: npm run migrate:shards -- --project <projectId>  (or set FIRESTORE_EMULATOR_HOST)');
  process.exit(2);
}
// Imported after the argument check: the npm script builds functions/lib first.
const { backfillShards } = await import('../functions/lib/payments/ledger/shardBackfill.js');
const target = emulator ? `the Firestore emulator (${emulator})` : `project ${project}`;
const db = getFirestore(initializeApp({ projectId: project ?? PROJECT_ID }));
console.log(`backfilling payments.shard in ${target}`);
try {
  const done = await backfillShards(db, {
    onPage: (p) => console.log(`scanned ${p.scanned} payments, set shard on ${p.updated}`),
  });
  console.log(`done: scanned ${done.scanned} payments, set shard on ${done.updated}`);
} catch (err) {
  console.error(
    `backfill stopped (${err.code ?? 'error'}: ${err.message}); its progress is saved: run the same command again to resume`,
  );
  process.exit(1);
}
