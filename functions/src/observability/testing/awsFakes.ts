/**
 * The local identity fakes (devtools/aws-fakes: GCE metadata server, STS) for
 * the credential tests, started on free ports: real HTTP, the real AWS SDK.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The parts of devtools/aws-fakes/gceMetadata.ts the tests use. */
export interface GceMetadataLocal {
  url: string;
  /** `host:port`, the value for GCE_METADATA_HOST. */
  host: string;
  serviceAccount: { email: string; uniqueId: string };
  publicKey: unknown;
  close(): Promise<void>;
  reset(): void;
  setFaults(f: { mode: 'none' | 'error500' | 'hang' | 'notFound'; count?: number }): void;
  requests(): { path: string; status: number; at: number; audience?: string; flavor: boolean }[];
}

/** Credentials the fake STS issued. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  roleArn: string;
  sessionName: string;
}

/** The parts of devtools/aws-fakes/sts.ts the tests use. */
export interface StsLocal {
  url: string;
  close(): Promise<void>;
  reset(): void;
  setFaults(f: { mode: 'none' | 'error500' | 'hang' | 'throttle' | 'refuse'; count?: number }): void;
  setLifetime(ms: number | undefined): void;
  setTrust(t: { audience?: string; subject?: string; issuerKey?: unknown }): void;
  onIssue(listener: (c: IssuedCredentials) => void): void;
  issued(): IssuedCredentials[];
  requests(): {
    action: string;
    status: number;
    at: number;
    errorCode?: string;
    roleArn?: string;
    sessionName?: string;
    audience?: string;
  }[];
}

// Loaded at run time (vitest strips the types): devtools code is not part of the functions build.
const FAKES = path.resolve(__dirname, '../../../../devtools/aws-fakes');

/**
 * Starts both fakes before the file's tests (the STS trusting only tokens the
 * metadata fake signed), resets them before each test (faults off, lifetime
 * back to DurationSeconds, that trust again) and stops them after all.
 */
export function useAwsFakes(): { metadata: () => GceMetadataLocal; sts: () => StsLocal } {
  let metadata: GceMetadataLocal | undefined;
  let sts: StsLocal | undefined;
  beforeAll(async () => {
    const md = (await import(path.join(FAKES, 'gceMetadata.ts'))) as {
      startGceMetadata(o: { port: number }): Promise<GceMetadataLocal>;
    };
    const st = (await import(path.join(FAKES, 'sts.ts'))) as {
      startStsLocal(o: { port: number; trust: { issuerKey: unknown } }): Promise<StsLocal>;
    };
    metadata = await md.startGceMetadata({ port: 0 });
    sts = await st.startStsLocal({ port: 0, trust: { issuerKey: metadata.publicKey } });
  });
  afterAll(async () => {
    await Promise.all([metadata?.close(), sts?.close()]);
  });
  beforeEach(() => {
    metadata?.reset();
    sts?.reset();
    sts?.setLifetime(undefined);
    sts?.setTrust({ issuerKey: metadata?.publicKey });
  });
  const need = <T>(v: T | undefined): T => {
    if (!v) throw new Error('the AWS fakes start in beforeAll');
    return v;
  };
  return { metadata: () => need(metadata), sts: () => need(sts) };
}
