/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** "true" to connect to the local emulators (default in `vite dev`). */
  readonly VITE_USE_EMULATORS?: string;
  /** Firebase web config (public values; never secrets). */
  readonly VITE_FIREBASE_API_KEY?: string;
  readonly VITE_FIREBASE_PROJECT_ID?: string;
  readonly VITE_FIREBASE_AUTH_DOMAIN?: string;
  /** Region of the callables; must match the functions' FUNCTIONS_REGION (checked at build time). */
  readonly VITE_FUNCTIONS_REGION?: string;
  /** Firebase web app id (public); App Check's reCAPTCHA Enterprise exchange needs it. */
  readonly VITE_FIREBASE_APP_ID?: string;
  /** "true" when the functions enforce App Check (set by the build from APP_CHECK_ENFORCE); production builds then need the two below. */
  readonly VITE_APPCHECK_ENFORCED?: string;
  /** reCAPTCHA Enterprise site key of App Check (public). */
  readonly VITE_APPCHECK_SITE_KEY?: string;
  /** Base URL of the payment simulator's control endpoint (development only). */
  readonly VITE_PAYMENT_SIMULATOR_URL?: string;
  /** Base URL of the Stripe fake's control endpoint (development with the emulators only: `npm start -- --stripe`). */
  readonly VITE_STRIPE_FAKE_URL?: string;
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
