/**
 * HTTP pools a test builds providers on, destroyed after each test so that no
 * socket outlives the test that opened it.
 */
import { afterEach } from 'vitest';
import { HttpPoolManager } from '../../resilience/http/index.js';

/** Call at the top of a test file; the returned function gives a new pool, destroyed after the current test. */
export function useHttpPools(): () => HttpPoolManager {
  const pools: HttpPoolManager[] = [];
  afterEach(() => {
    for (const p of pools.splice(0)) p.destroy();
  });
  return () => {
    const http = new HttpPoolManager();
    pools.push(http);
    return http;
  };
}
