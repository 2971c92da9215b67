// Grants the `admin: true` custom claim to a user: `npm run admin:grant -- <email> [--project <id>]`.
// Without --project it targets the Auth emulator (FIREBASE_AUTH_EMULATOR_HOST or 127.0.0.1:9099);
// with --project it targets that real project using Application Default Credentials.
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { PROJECT_ID } from './local-env.mjs';

const args = process.argv.slice(2);
const projectFlag = args.indexOf('--project');
const project = projectFlag >= 0 ? args[projectFlag + 1] : undefined;
const email = args.find((a, i) => !a.startsWith('--') && i !== projectFlag + 1);
if (!email) {
  console.error('usage: npm run admin:grant -- <email> [--project <projectId>]');
  process.exit(2);
}
if (!project) process.env.FIREBASE_AUTH_EMULATOR_HOST ??= '127.0.0.1:9099';
const auth = getAuth(initializeApp({ projectId: project ?? PROJECT_ID }));
try {
  const user = await auth.getUserByEmail(email);
  await auth.setCustomUserClaims(user.uid, { ...(user.customClaims ?? {}), admin: true });
  console.log(
    `granted admin to ${email} (${user.uid}) in ${project ?? `the emulator (${process.env.FIREBASE_AUTH_EMULATOR_HOST})`}; the user must refresh their ID token (sign in again) to see it.`,
  );
} catch (err) {
  console.error(`could not grant admin to ${email}: ${err.code ?? ''} ${err.message}`);
  process.exit(1);
}
