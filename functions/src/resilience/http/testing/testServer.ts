/**
 * Real HTTP servers on 127.0.0.1 for the pool's tests: they count what really
 * reached them (connections, requests), so tests assert on the wire, not on mocks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started test server. */
export interface TestServer {
  url: string;
  /** Requests that reached the server so far. */
  requests(): number;
  /** TCP connections the server accepted so far. */
  connections(): number;
}

const servers: http.Server[] = [];

/** Starts a server on a free port of 127.0.0.1; `closeServers` stops it. */
export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  let requests = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, connections: () => connections };
}

/** Stops every server `startServer` started, dropping their open connections (for afterEach). */
export async function closeServers(): Promise<void> {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** The rejection of `p`; throws when it resolves instead. */
export async function rejection(
  p: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as Error,
  );
}
