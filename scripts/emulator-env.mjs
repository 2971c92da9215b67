// Prepares the environment the Firebase emulators need on an offline machine:
// a Java >= 21 (firebase-tools 15 refuses older ones) and, when firebase-tools
// cannot download its Firestore emulator jar, a launcher jar around the Google
// Cloud SDK's copy. Used by scripts/start.mjs and scripts/test.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MIN_JAVA = 21;
export const GCLOUD_FIRESTORE_JAR =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
const FIRESTORE_MAIN = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';

/** Major version of the java binary at `javaBin`, or null when it does not run. */
export function javaMajor(javaBin) {
  // `java -version` prints to stderr.
  const res = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  return parseJavaVersion(`${res.stdout ?? ''}${res.stderr ?? ''}`);
}

/** Parses `java -version` output ("17.0.15", "1.8.0_412", "25") to its major number. */
export function parseJavaVersion(text) {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

/** Candidate JAVA_HOMEs in priority order: JAVA_HOME, the java on PATH, then /usr/lib/jvm/*. */
function javaCandidates(env, jvmDir) {
  const homes = [];
  if (env.JAVA_HOME) homes.push(env.JAVA_HOME);
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'java'))) homes.push(dirname(dir));
  }
  if (existsSync(jvmDir)) {
    for (const name of readdirSync(jvmDir).sort().reverse()) homes.push(join(jvmDir, name));
  }
  return [...new Set(homes)];
}

/** Finds a JAVA_HOME with Java >= 21, or throws an error that names the fix. */
export function findJavaHome(env = process.env, jvmDir = '/usr/lib/jvm') {
  const seen = [];
  for (const home of javaCandidates(env, jvmDir)) {
    const bin = join(home, 'bin', 'java');
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    seen.push(`${home} (${major ?? 'unknown'})`);
    if (major !== null && major >= MIN_JAVA) return home;
  }
  throw new Error(
    `The Firebase emulators need Java ${MIN_JAVA} or newer; found ${seen.join(', ') || 'none'}. ` +
      `Install one (e.g. \`apt-get install -y openjdk-${MIN_JAVA}-jre-headless\` or a Temurin JDK) ` +
      `and/or set JAVA_HOME to it.`,
  );
}

/** True when firebase-tools already has a Firestore emulator jar in its cache. */
function firestoreJarCached(env) {
  const dir = join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'firebase', 'emulators');
  return existsSync(dir) && readdirSync(dir).some((f) => /^cloud-firestore-emulator.*\.jar$/.test(f));
}

/**
 * Writes a jar with only a manifest whose Main-Class is the Firestore emulator and
 * whose Class-Path is the Cloud SDK jar (which ships without a Main-Class).
 */
export function writeLauncherJar(javaHome, targetJar, sdkJar = GCLOUD_FIRESTORE_JAR) {
  mkdirSync(dirname(targetJar), { recursive: true });
  const manifest = join(dirname(targetJar), 'firestore-launcher.mf');
  writeFileSync(manifest, `Manifest-Version: 1.0\nMain-Class: ${FIRESTORE_MAIN}\nClass-Path: file://${sdkJar}\n`);
  execFileSync(join(javaHome, 'bin', 'jar'), ['--create', '--file', targetJar, '--manifest', manifest]);
  return targetJar;
}

/**
 * Returns the environment for `firebase emulators:*`: JAVA_HOME and PATH with a
 * Java >= 21 first and, when needed, FIRESTORE_EMULATOR_BINARY_PATH pointing at a
 * launcher jar. An explicitly set FIRESTORE_EMULATOR_BINARY_PATH always wins.
 */
export function emulatorEnv(env = process.env) {
  const javaHome = findJavaHome(env);
  const out = { ...env, JAVA_HOME: javaHome, PATH: `${join(javaHome, 'bin')}:${env.PATH ?? ''}` };
  if (!env.FIRESTORE_EMULATOR_BINARY_PATH && !firestoreJarCached(env) && existsSync(GCLOUD_FIRESTORE_JAR)) {
    out.FIRESTORE_EMULATOR_BINARY_PATH = writeLauncherJar(javaHome, join(ROOT, '.cache', 'firestore-launcher.jar'));
  }
  return out;
}
