import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** What the test hooks need of a dev server (payment simulator, Stripe fake, local CloudWatch). */
export interface DevServer {
  close(): Promise<void>;
  reset(): void;
}

/**
 * Starts a dev server before a test file's tests, resets it before (or after)
 * each test and stops it after all. The returned function gives the running
 * server; `name` says which one in the error of a call made before beforeAll.
 */
export function useDevServer<T extends DevServer>(
  name: string,
  start: () => Promise<T>,
  resetWhen: 'before-each' | 'after-each' = 'before-each',
): () => T {
  let server: T | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  (resetWhen === 'before-each' ? beforeEach : afterEach)(() => server?.reset());
  return () => {
    if (!server) throw new Error(`${name} starts in beforeAll`);
    return server;
  };
}
