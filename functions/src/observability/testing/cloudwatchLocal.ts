/**
 * The strict local CloudWatch Logs endpoint (devtools/cloudwatch-local) for
 * the shipper's tests, started on a free port: real HTTP, the real AWS SDK.
 */
import path from 'node:path';
import { useDevServer } from '../../testing/devServer.js';
import { CloudWatchShipper, type CloudWatchShipperOptions } from '../cloudwatch/cloudwatchShipper.js';

/** The parts of devtools/cloudwatch-local/server.ts the shipper's tests use. */
export interface CloudWatchLocal {
  url: string;
  close(): Promise<void>;
  reset(): void;
  setFaults(f: { mode: 'none' | 'throttle' | 'error500' | 'hang'; count?: number; actions?: string[] }): void;
  groups(): {
    logGroupName: string;
    streams: { logStreamName: string; events: { timestamp: number; message: string }[] }[];
  }[];
  requests(): {
    action: string;
    status: number;
    at: number;
    errorType?: string;
    eventCount?: number;
    accessKeyId?: string;
    sessionToken?: boolean;
  }[];
  /** Only these keys pass (signatures checked when a secret is given); reset() goes back to accepting any. */
  setAuth(auth: { credentials?: KnownCredentials[]; requireSessionToken?: boolean }): void;
  allowCredentials(credentials: KnownCredentials): void;
}

/** A key the endpoint accepts. */
export interface KnownCredentials {
  accessKeyId: string;
  secretAccessKey?: string;
  sessionToken?: string;
  expiresAt?: number;
}

// Loaded at run time (vitest strips the types): devtools code is not part of the functions build.
const SERVER = path.resolve(__dirname, '../../../../devtools/cloudwatch-local/server.ts');

/**
 * Starts the endpoint on 127.0.0.1 and a free port before the file's tests,
 * clears it before each test and stops it after all. The returned function
 * gives the running endpoint.
 */
export function useCloudWatchLocal(): () => CloudWatchLocal {
  return useDevServer('the local CloudWatch endpoint', async () => {
    const mod = (await import(SERVER)) as { startCloudWatchLocal(o: { port: number }): Promise<CloudWatchLocal> };
    return mod.startCloudWatchLocal({ port: 0 });
  });
}

/** The shippers of one test file: built with the file's defaults, destroyed together after each test. */
export class TestShippers {
  private readonly built: CloudWatchShipper[] = [];

  /** `defaults` is read at each build, so it may use the endpoint started in beforeAll. */
  constructor(private readonly defaults: () => CloudWatchShipperOptions) {}

  /** A shipper with the file's defaults and `over` on top. */
  make(over: Partial<CloudWatchShipperOptions> = {}): CloudWatchShipper {
    return this.track(new CloudWatchShipper({ ...this.defaults(), ...over }));
  }

  /** Adds a shipper built elsewhere to those destroyed by `destroyAll`. */
  track(shipper: CloudWatchShipper): CloudWatchShipper {
    this.built.push(shipper);
    return shipper;
  }

  /** Destroys every shipper built or tracked so far (afterEach). */
  destroyAll(): void {
    for (const s of this.built.splice(0)) s.destroy();
  }
}
