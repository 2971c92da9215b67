/**
 * Helpers shared by the QueryPool unit tests (resilience/queryPool.test.ts and
 * queryPoolRetry.test.ts). Lives under src/testing, which tsconfig.build.json
 * leaves out of the deployed build.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { expect, vi } from 'vitest';
import { AppError } from '../../appError.js';
import { QueryPool, type QueryPoolOptions } from '../queryPool.js';

/** Stand-in database handed to queries; the unit tests never touch Firestore itself. */
export const fakeDb = {} as Firestore;

/** A pool over {@link fakeDb} with deterministic jitter (random() = 0.5). */
export function pool(options: Partial<QueryPoolOptions> = {}): QueryPool {
  return new QueryPool({ getDb: () => fakeDb, random: () => 0.5, ...options });
}

/** Lets pending promise callbacks (and zero-delay fake timers) run. */
export async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/** The AppError `p` rejects with; handles the rejection at once so timers can be advanced first. */
export async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the query to fail');
}
