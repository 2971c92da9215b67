import type { User } from 'firebase/auth';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { processPayment } from '../api/payments';
import type { ProcessPaymentRequest, ProcessPaymentResult } from '../api/types';
import { forgetPaymentSeals, usePaymentSeal } from './usePaymentSeal';
import { useSession } from './useSession';

vi.mock('../api/payments', () => ({ processPayment: vi.fn() }));
const call = vi.mocked(processPayment);

const request: ProcessPaymentRequest = { amount: 5, paymentMethod: 'credit_card', transactionId: 'txn_a' };
const answer = (seal?: string): ProcessPaymentResult => ({
  transactionId: 'txn_a',
  status: 'succeeded',
  chargeId: 'ch_1',
  amount: 5,
  currency: 'USD',
  attempts: 1,
  replayed: false,
  ...(seal ? { seal } : {}),
});
const signIn = (uid: string | null) => {
  useSession().user.value = uid === null ? null : ({ uid } as User);
};
/** The seal each call sent, in order (undefined: none). */
const sent = () => call.mock.calls.map(([req]) => req.seal);

beforeEach(() => {
  call.mockReset();
  forgetPaymentSeals();
  signIn('u1');
});

describe('usePaymentSeal', () => {
  it("sends the user's last seal with the next call and answers without it", async () => {
    const { pay } = usePaymentSeal();
    call.mockResolvedValueOnce(answer('seal-1')).mockResolvedValueOnce(answer('seal-2'));
    call.mockResolvedValue(answer());
    const first = await pay(request);
    expect(first).toEqual(answer());
    expect(first).not.toHaveProperty('seal');
    await pay(request);
    // An answer without a seal keeps the last one.
    await pay(request);
    await pay(request);
    expect(sent()).toEqual([undefined, 'seal-1', 'seal-2', 'seal-2']);
    expect(call.mock.calls[1]![0]).toEqual({ ...request, seal: 'seal-1' });
  });

  it('keeps one seal per user, and none for calls made signed out', async () => {
    const { pay } = usePaymentSeal();
    call.mockResolvedValueOnce(answer('seal-u1')).mockResolvedValueOnce(answer('seal-u2'));
    call.mockResolvedValue(answer('seal-anon'));
    await pay(request);
    signIn('u2');
    await pay(request);
    await pay(request);
    signIn('u1');
    await pay(request);
    signIn(null);
    await pay(request);
    await pay(request);
    expect(sent()).toEqual([undefined, undefined, 'seal-u2', 'seal-u1', undefined, undefined]);
  });

  it('a failed call keeps the last seal and throws as processPayment does', async () => {
    const { pay } = usePaymentSeal();
    call.mockResolvedValueOnce(answer('seal-1')).mockRejectedValueOnce(new Error('unavailable'));
    call.mockResolvedValueOnce(answer());
    await pay(request);
    await expect(pay(request)).rejects.toThrow('unavailable');
    await pay(request);
    expect(sent()).toEqual([undefined, 'seal-1', 'seal-1']);
  });
});
