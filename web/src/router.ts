import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router';
import { useSession, whenSessionReady } from './composables/useSession';

/** Where a navigation must go instead, or true: signed-out -> sign-in, non-admin -> admins-only. */
export function guard(to: RouteLocationNormalized, session: { signedIn: boolean; admin: boolean }) {
  if (!to.meta.admin) return true;
  if (!session.signedIn) return { name: 'sign-in', query: { redirect: to.fullPath } };
  if (!session.admin) return { name: 'admins-only' };
  return true;
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/test-cloudwatch' },
    { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignInPage.vue') },
    { path: '/admins-only', name: 'admins-only', component: () => import('./pages/AdminsOnlyPage.vue') },
    {
      path: '/test-cloudwatch',
      name: 'test-cloudwatch',
      component: () => import('./pages/TestCloudWatchPage.vue'),
      meta: { admin: true },
    },
    {
      path: '/payments/:transactionId?',
      name: 'payments',
      component: () => import('./pages/PaymentsExplorerPage.vue'),
      meta: { admin: true },
    },
    { path: '/:rest(.*)*', redirect: '/test-cloudwatch' },
  ],
});

router.beforeEach(async (to) => {
  await whenSessionReady();
  const { user, isAdmin } = useSession();
  return guard(to, { signedIn: user.value !== null, admin: isAdmin.value });
});
