/**
 * Development App Check tokens for the emulators: unsigned JWTs (`alg: none`)
 * shaped like the tokens App Check issues. The functions emulator decodes the
 * `X-Firebase-AppCheck` header without verifying it and takes the app id from
 * `sub`; the callables also require `exp` (access/appCheck.ts). A deployed
 * function verifies the signature with the Admin SDK and refuses these.
 * Import-free (btoa only), so the SPA, the integration tests and the bench
 * (Node 24 runs this file as it is) share it.
 */

/** App id of the emulator's web app: nothing verifies it, any stable string does. */
export const DEV_APP_ID = '1:000000000000:web:emulator';

/** How long a development token lives; the App Check SDK refreshes it before that. */
export const DEV_TOKEN_TTL_MS = 60 * 60 * 1000;

const base64url = (value: object): string =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A development token for `appId`, and when it expires (what a CustomProvider's getToken returns). */
export function devAppCheckToken(
  appId: string = DEV_APP_ID,
  now: number = Date.now(),
): { token: string; expireTimeMillis: number } {
  const expireTimeMillis = now + DEV_TOKEN_TTL_MS;
  const claims = {
    sub: appId,
    app_id: appId,
    iat: Math.floor(now / 1000),
    exp: Math.floor(expireTimeMillis / 1000),
  };
  return { token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`, expireTimeMillis };
}
