import { describe, expect, it, vi } from 'vitest';
import type { RouteLocationNormalized } from 'vue-router';

vi.mock('./composables/useSession', () => ({ useSession: vi.fn(), whenSessionReady: vi.fn() }));
const { guard, router } = await import('./router');

const adminRoute = { meta: { admin: true }, fullPath: '/test-cloudwatch' } as unknown as RouteLocationNormalized;
const openRoute = { meta: {}, fullPath: '/sign-in' } as unknown as RouteLocationNormalized;

describe('admin guard', () => {
  it('sends signed-out visitors to sign-in, remembering where they were going', () => {
    expect(guard(adminRoute, { signedIn: false, admin: false })).toEqual({
      name: 'sign-in',
      query: { redirect: '/test-cloudwatch' },
    });
  });
  it('sends signed-in non-admins to the admins-only page', () => {
    expect(guard(adminRoute, { signedIn: true, admin: false })).toEqual({ name: 'admins-only' });
  });
  it('lets admins in and leaves open pages open', () => {
    expect(guard(adminRoute, { signedIn: true, admin: true })).toBe(true);
    expect(guard(openRoute, { signedIn: false, admin: false })).toBe(true);
  });
  it('keeps the payments explorer for admins, with or without a payment in its path', () => {
    expect(router.resolve('/payments').name).toBe('payments');
    const detail = router.resolve('/payments/txn_1');
    expect(detail.name).toBe('payments');
    expect(detail.params.transactionId).toBe('txn_1');
    expect(detail.meta.admin).toBe(true);
  });
});
