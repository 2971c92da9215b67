// Runs once before the emulator suites: seeds the development users.
import { seedUsers } from '../../scripts/seed-users.mjs';

export default async function setup(): Promise<void> {
  await seedUsers(process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099');
}
