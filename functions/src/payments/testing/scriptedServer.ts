/**
 * A real HTTP server on a free port that answers each request with the next
 * reply a test scripted (500 when none is left, nothing at all for 'hang') and
 * records what it received, with the GenericProvider a deploy builds against
 * it: the generic contract's adapters are tested over real HTTP through it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';
import { GenericProvider } from '../provider/genericProvider.js';

/** What the server answers to one request: a status with a JSON body and headers, or no answer ever. */
export type ScriptedReply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/** One request as the server received it. */
export interface SeenRequest {
  method: string;
  url: string;
  /** The Idempotency-Key header. */
  key: string | undefined;
  /** The Authorization header. */
  auth: string | undefined;
  /** The JSON body, parsed. */
  body: unknown;
}

/** The API key the provider sends. */
const SCRIPTED_API_KEY = 'sk_test_secret';

/**
 * Starts the server and a GenericProvider on it (2 sockets, 1 s per attempt)
 * before a test file's tests, forgets the script and the requests seen before
 * each test, and stops both after all. Call at the top of a test file; push
 * onto `replies` what the next requests get, read `seen` for what they sent.
 */
export function useScriptedServer() {
  const replies: ScriptedReply[] = [];
  const seen: SeenRequest[] = [];
  let server: Server | undefined;
  let http: HttpPoolManager | undefined;
  let provider: GenericProvider | undefined;
  let host = '';

  function handle(r: IncomingMessage, res: ServerResponse): void {
    let text = '';
    r.on('data', (c: Buffer) => (text += c.toString()));
    r.on('end', () => {
      seen.push({
        method: r.method ?? '',
        url: r.url ?? '',
        key: r.headers['idempotency-key'] as string | undefined,
        auth: r.headers.authorization,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      const reply = replies.shift() ?? { status: 500 };
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  }

  beforeAll(async () => {
    const s = createServer(handle);
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(s.address() as AddressInfo).port}`;
    http = new HttpPoolManager();
    provider = new GenericProvider(http, {
      baseUrl: `http://${host}`,
      apiKey: SCRIPTED_API_KEY,
      maxSockets: 2,
      attemptTimeoutMs: 1000,
    });
  });
  afterAll(async () => {
    http?.destroy();
    const s = server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  });
  beforeEach(() => {
    replies.length = 0;
    seen.length = 0;
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the scripted server starts in beforeAll');
    return value;
  };
  return {
    replies,
    seen,
    /** The provider on the server. */
    provider: () => started(provider),
    /** The server's host and port (`127.0.0.1:port`). */
    host: () => started(host || undefined),
  };
}
