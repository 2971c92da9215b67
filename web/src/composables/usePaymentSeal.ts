import { processPayment } from '../api/payments';
import type { ProcessPaymentRequest, ProcessPaymentResult } from '../api/types';
import { useSession } from './useSession';

/** The last `seal` processPayment answered, by uid: in this page's memory only. */
const lastSeals = new Map<string, string>();

/**
 * processPayment with sealed reads (docs/callables.md, `seal`): each call
 * carries the last seal answered to the signed-in user, which spares it a
 * Firestore read when it lands on an instance that has not served that user
 * yet, and the answer's seal replaces it. Seals are opaque and bearer-like:
 * kept per user in memory only, never stored, shown or logged, and the
 * answer comes back without its seal.
 */
export function usePaymentSeal() {
  const { user } = useSession();

  /** Sends `request` with the signed-in user's last seal; the answer without its seal. @throws ApiError */
  async function pay(request: ProcessPaymentRequest): Promise<ProcessPaymentResult> {
    const uid = user.value?.uid ?? null;
    const seal = uid === null ? undefined : lastSeals.get(uid);
    const { seal: next, ...result } = await processPayment(seal ? { ...request, seal } : request);
    if (uid !== null && next) lastSeals.set(uid, next);
    return result;
  }

  return { pay };
}

/** Forgets every seal (tests). */
export function forgetPaymentSeals(): void {
  lastSeals.clear();
}
