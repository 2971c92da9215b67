/**
 * Test fixture of the endpoint's own tests: a fresh endpoint on a free port and
 * a real AWS SDK client pointed at it (no SDK retries, so each answer is seen).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { InputLogEvent, PutLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { startCloudWatchLocal } from './server.ts';
import type { CloudWatchLocal } from './server.ts';

export const GROUP = '/test/payments';
export const STREAM = 'fn-instance-1';
export const HOUR = 3_600_000;

/** The endpoint and client of one test file, and shortcuts over them. */
export interface Fixture {
  readonly local: CloudWatchLocal;
  readonly client: CloudWatchLogsClient;
  /** Creates GROUP and its STREAM. */
  createStream(): Promise<void>;
  /** PutLogEvents into GROUP/STREAM. */
  put(logEvents: InputLogEvent[]): Promise<PutLogEventsCommandOutput>;
  /** Raw JSON-protocol request with a (never checked) SigV4 header, for what the SDK would never send. */
  raw(action: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Starts the endpoint before the file's tests, clears it before each, stops it after all. */
export function useCloudWatchLocal(): Fixture {
  let local: CloudWatchLocal | undefined;
  let client: CloudWatchLogsClient | undefined;
  beforeAll(async () => {
    local = await startCloudWatchLocal({ port: 0 });
    client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: local.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await local?.close();
  });
  beforeEach(() => local?.reset());
  const fixture: Fixture = {
    get local() {
      if (!local) throw new Error('the endpoint starts in beforeAll');
      return local;
    },
    get client() {
      if (!client) throw new Error('the client is built in beforeAll');
      return client;
    },
    async createStream() {
      await fixture.client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
      await fixture.client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: STREAM }));
    },
    put: (logEvents) =>
      fixture.client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, logEvents })),
    raw: (action, body, headers = {}) =>
      fetch(`${fixture.local.url}/`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `Logs_20140328.${action}`,
          Authorization:
            'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00',
          ...headers,
        },
        body: JSON.stringify(body),
      }),
  };
  return fixture;
}

/** The error the SDK raised, with its name (= the service's __type) and HTTP status. */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
