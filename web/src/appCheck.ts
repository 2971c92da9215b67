import type { FirebaseApp } from 'firebase/app';
import { CustomProvider, initializeAppCheck, ReCaptchaEnterpriseProvider, type AppCheck } from 'firebase/app-check';
import { DEV_APP_ID, devAppCheckToken } from './lib/appCheckDevToken';
import type { WebConfig } from './lib/buildEnv';

/**
 * Starts Firebase App Check, whose tokens the Functions SDK then sends with every
 * call. With the emulators: a CustomProvider issuing development tokens (unsigned,
 * accepted only by the emulator). Otherwise reCAPTCHA Enterprise with the site
 * key (score-based, invisible to the user). Without a site key outside the
 * emulators there is no App Check: the build allows that only when the
 * functions do not enforce it (lib/buildEnv.ts).
 */
export function startAppCheck(app: FirebaseApp, cfg: WebConfig): AppCheck | null {
  if (cfg.emulators) {
    const appId = cfg.appId ?? DEV_APP_ID;
    const provider = new CustomProvider({ getToken: () => Promise.resolve(devAppCheckToken(appId)) });
    return initializeAppCheck(app, { provider, isTokenAutoRefreshEnabled: true });
  }
  if (!cfg.appCheckSiteKey) return null;
  return initializeAppCheck(app, {
    provider: new ReCaptchaEnterpriseProvider(cfg.appCheckSiteKey),
    isTokenAutoRefreshEnabled: true,
  });
}
