import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorEnv, findJavaHome, parseJavaVersion, writeLauncherJar } from './emulator-env.mjs';

function fakeJdk(root, name, version) {
  const bin = join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'java'), `#!/bin/sh\necho 'openjdk version "${version}" 2025-01-01' >&2\n`);
  chmodSync(join(bin, 'java'), 0o755);
  return join(root, name);
}

describe('emulator environment', () => {
  it('parses java -version output', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('java version "1.8.0_412"')).toBe(8);
    expect(parseJavaVersion('openjdk version "25" 2025-09-16')).toBe(25);
    expect(parseJavaVersion('nonsense')).toBeNull();
  });

  it('prefers JAVA_HOME, skips a Java below 21, and scans the JVM folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'jvms-'));
    const old = fakeJdk(root, 'java-17', '17.0.15');
    const good = fakeJdk(root, 'temurin-25', '25.0.3');
    expect(findJavaHome({ JAVA_HOME: old, PATH: '' }, root)).toBe(good);
    expect(findJavaHome({ JAVA_HOME: good, PATH: '' }, root)).toBe(good);
  });

  it('fails with a message naming the fix when no Java >= 21 exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'jvms-'));
    fakeJdk(root, 'java-17', '17.0.15');
    expect(() => findJavaHome({ PATH: '' }, root)).toThrow(/need Java 21 or newer.*java-17 \(17\).*JAVA_HOME/s);
  });

  it('writes a launcher jar whose manifest starts the Cloud SDK Firestore emulator', () => {
    const home = findJavaHome();
    const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
    const jar = writeLauncherJar(home, join(dir, 'l.jar'), '/opt/sdk/firestore.jar');
    execFileSync(join(home, 'bin', 'jar'), ['--extract', '--file', jar], { cwd: dir });
    const manifest = readFileSync(join(dir, 'META-INF', 'MANIFEST.MF'), 'utf8');
    const unfolded = manifest.replace(/\r?\n /g, '');
    expect(unfolded).toContain('Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore');
    expect(unfolded).toContain('Class-Path: file:///opt/sdk/firestore.jar');
  });

  it('never overrides an explicit FIRESTORE_EMULATOR_BINARY_PATH', () => {
    const env = emulatorEnv({ ...process.env, FIRESTORE_EMULATOR_BINARY_PATH: '/my/own.jar' });
    expect(env.FIRESTORE_EMULATOR_BINARY_PATH).toBe('/my/own.jar');
    expect(env.PATH.startsWith(join(env.JAVA_HOME, 'bin'))).toBe(true);
  });
});
