import { onAuthStateChanged, signInWithEmailAndPassword, signOut, type User } from 'firebase/auth';
import { computed, ref } from 'vue';
import { auth } from '../firebase';

const user = ref<User | null>(null);
const isAdmin = ref(false);
const ready = ref(false);
let readyPromise: Promise<void> | null = null;

async function applyUser(u: User | null): Promise<void> {
  user.value = u;
  // Force a token refresh so a freshly granted admin claim is seen.
  isAdmin.value = u ? (await u.getIdTokenResult(true)).claims.admin === true : false;
}

/** Resolves once Firebase Auth has told us who is signed in (or nobody). */
export function whenSessionReady(): Promise<void> {
  readyPromise ??= new Promise((resolve) => {
    onAuthStateChanged(auth, (u) => {
      applyUser(u)
        .catch(() => {
          // An expired or revoked session: treat as signed out.
          user.value = null;
          isAdmin.value = false;
        })
        .finally(() => {
          ready.value = true;
          resolve();
        });
    });
  });
  return readyPromise;
}

/** The signed-in user, whether they are an admin, and sign-in/out actions. */
export function useSession() {
  return {
    user,
    isAdmin,
    ready,
    email: computed(() => user.value?.email ?? null),
    signIn: async (email: string, password: string): Promise<void> => {
      const cred = await signInWithEmailAndPassword(auth, email, password);
      await applyUser(cred.user);
    },
    signOut: async (): Promise<void> => {
      await signOut(auth);
      await applyUser(null);
    },
    /** Re-reads the ID token from the server, e.g. after an admin claim was granted. */
    refreshClaims: (): Promise<void> => applyUser(auth.currentUser),
  };
}
