import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

/**
 * Sealed reads: a document the server read or wrote, handed to the caller
 * encrypted and authenticated (AES-256-GCM) so a later call can present it
 * back and the server can use it as its copy instead of reading again. The
 * server must still write preconditioned on the sealed update time, so a
 * stale seal only costs the read it failed to save; a forged or altered seal
 * does not open at all. A seal is bound to a purpose and to the caller's uid
 * (both are authenticated, not encrypted) and expires.
 *
 * Token: base64url of version (1 byte) | IV (12) | GCM tag (16) | ciphertext.
 * The cipher key is HKDF-SHA256 of the secret, per purpose, so a leaked key of
 * one purpose opens nothing else; the uid goes into the authenticated data.
 */

/** One document as the server read or wrote it. updateTime as Firestore's { seconds, nanoseconds }. */
export interface SealedDoc {
  path: string;
  /** null: the document did not exist when sealed (a create precondition applies). */
  updateTime: { seconds: number; nanoseconds: number } | null;
  data: unknown;
}

/** How long a seal opens after it was made, unless `seal` is told otherwise. */
export const SEAL_TTL_MS = 15 * 60_000;
/** Longest token `unseal` looks at; callers bound their schemas with it. */
export const MAX_SEAL_LENGTH = 16_384;

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** Derived cipher keys by purpose and secret: a process has one secret and a few purposes, so this stays tiny. */
const derived = new Map<string, KeyObject>();

/**
 * The AES key of `purpose` under `key`, derived (HKDF-SHA256) once per process: every processPayment answer
 * carries a seal, and the derivation would otherwise run on each. A rotated secret derives anew. Kept as a
 * KeyObject: given a Buffer, each createCipheriv/createDecipheriv spends about 9 µs telling that it is not one.
 */
export function cipherKey(key: string, purpose: string): KeyObject {
  const id = `${purpose}\u0000${key}`;
  let k = derived.get(id);
  if (!k) {
    if (derived.size >= 8) derived.clear();
    k = createSecretKey(Buffer.from(hkdfSync('sha256', key, 'sealed-reads/v1', `purpose:${purpose}`, 32)));
    derived.set(id, k);
  }
  return k;
}

function additionalData(purpose: string, uid: string): Buffer {
  return Buffer.from(JSON.stringify([VERSION, purpose, uid]), 'utf8');
}

/**
 * Seals `docs` for `purpose` and `uid`, opening until `now + ttlMs`; returns an
 * opaque base64url string. Throws only on a programming error (an empty key or
 * data JSON cannot carry), never on the caller's input.
 */
export function seal(
  key: string,
  purpose: string,
  uid: string,
  docs: SealedDoc[],
  now: number,
  ttlMs: number = SEAL_TTL_MS,
): string {
  if (key.length === 0) throw new Error('seal: the seal key is empty');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cipherKey(key, purpose), iv);
  cipher.setAAD(additionalData(purpose, uid));
  const plain = Buffer.from(JSON.stringify({ exp: now + ttlMs, docs }), 'utf8');
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64url');
}

function isTime(v: unknown): v is SealedDoc['updateTime'] {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  const t = v as Record<string, unknown>;
  return Number.isInteger(t.seconds) && Number.isInteger(t.nanoseconds);
}

function asDocs(v: unknown): SealedDoc[] | null {
  if (!Array.isArray(v)) return null;
  const docs: SealedDoc[] = [];
  for (const d of v as unknown[]) {
    if (typeof d !== 'object' || d === null) return null;
    const { path, updateTime, data } = d as Record<string, unknown>;
    if (typeof path !== 'string' || !isTime(updateTime)) return null;
    docs.push({ path, updateTime, data });
  }
  return docs;
}

/** The docs, or null when the seal is malformed, forged, for another purpose/uid, or expired. Never throws. */
export function unseal(key: string, purpose: string, uid: string, token: string, now: number): SealedDoc[] | null {
  try {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_SEAL_LENGTH) return null;
    if (!/^[A-Za-z0-9_-]+$/.test(token) || key.length === 0) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length <= HEADER_BYTES || raw[0] !== VERSION) return null;
    const decipher = createDecipheriv('aes-256-gcm', cipherKey(key, purpose), raw.subarray(1, 1 + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(purpose, uid));
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, HEADER_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(HEADER_BYTES)), decipher.final()]);
    const body = JSON.parse(plain.toString('utf8')) as unknown;
    if (typeof body !== 'object' || body === null) return null;
    const { exp, docs } = body as Record<string, unknown>;
    if (typeof exp !== 'number' || !(now < exp)) return null;
    return asDocs(docs);
  } catch {
    return null;
  }
}
