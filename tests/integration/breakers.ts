// Resetting the fleet-wide circuit breakers from a test, and knowing when every
// function instance acts on the reset.
import { vi } from 'vitest';
import { adminDb } from './admin.js';
import type { Session } from './client.js';

/**
 * How old an instance's copy of a breaker may get before its next call re-reads
 * it: FleetCircuitBreaker's `refreshMs` (functions/src/resilience/breaker/breakerOptions.ts).
 */
const REFRESH_MS = 1000;

type StoredBreaker = { state: string; updatedAt: number };

async function storedBreakers(serviceName?: string): Promise<StoredBreaker[]> {
  const col = adminDb().collection('breakers');
  const docs = serviceName ? [await col.doc(serviceName).get()] : (await col.get()).docs;
  return docs.filter((d) => d.exists).map((d) => d.data() as StoredBreaker);
}

/** True when no instance can still hold a copy of these breakers that differs from the stored, closed one. */
const settled = (breakers: StoredBreaker[]) =>
  breakers.every((b) => b.state === 'closed' && Date.now() - b.updatedAt >= REFRESH_MS);

/**
 * Calls resetCircuitBreakers (all, or `serviceName`) and resolves with its
 * answer once every instance acts on the reset: at once when every breaker was
 * already closed and settled (no copy can say otherwise), else once the reset
 * is older than the instances' refresh period, so each re-reads before its next call.
 */
export async function resetBreakers(admin: Session, serviceName?: string): Promise<unknown> {
  const wasSettled = settled(await storedBreakers(serviceName));
  const answer = await admin.call('resetCircuitBreakers', serviceName ? { serviceName } : {});
  if (!wasSettled) {
    await vi.waitFor(
      async () => {
        if (!settled(await storedBreakers(serviceName)))
          throw new Error('breaker reset not yet seen by every instance');
      },
      { timeout: 10_000, interval: 100 },
    );
  }
  return answer;
}
