/**
 * Minimal JWT helpers shared by the fake metadata server (which signs ID
 * tokens with a key of its own) and the fake STS (which reads them and, when
 * given that key, checks the signature). RS256 only: that is what Google signs
 * ID tokens with. Node built-ins only.
 */
import { createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** The claims of a Google ID token that the fakes read or write. */
export interface IdTokenClaims {
  iss: string;
  aud: string;
  azp?: string;
  sub: string;
  iat: number;
  exp: number;
  email?: string;
  email_verified?: boolean;
}

/** A decoded JWT: header, claims, and the signed part and signature for verification. */
export interface DecodedJwt {
  header: { alg?: string; kid?: string; typ?: string };
  claims: Partial<IdTokenClaims> & Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A fresh RSA key pair for signing tokens (one per fake server). */
export function newSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Signs `claims` as an RS256 JWT with `key`. */
export function signJwt(claims: IdTokenClaims, key: KeyObject, kid: string): string {
  const signingInput = `${b64url(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${b64url(signature)}`;
}

/** Decodes a compact JWT without checking it; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as DecodedJwt['header'];
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as DecodedJwt['claims'];
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return null;
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

/** True when `jwt` is RS256-signed by the private half of `publicKey`. */
export function verifyJwt(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  return createVerify('RSA-SHA256').update(jwt.signingInput).verify(publicKey, jwt.signature);
}
