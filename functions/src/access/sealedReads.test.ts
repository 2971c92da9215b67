import { describe, expect, it } from 'vitest';
import { createCipheriv, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { cipherKey, MAX_SEAL_LENGTH, SEAL_TTL_MS, seal, unseal, type SealedDoc } from './sealedReads.js';

const KEY = 'test-seal-key-0123456789';
const NOW = 1_800_000_000_000;
const DOCS: SealedDoc[] = [
  { path: 'payments/p1', updateTime: { seconds: 1_799_999_990, nanoseconds: 123_456_000 }, data: { amount: 500 } },
  { path: 'userLimits/admin-1', updateTime: null, data: null },
];

function flipByte(token: string, index: number): string {
  const raw = Buffer.from(token, 'base64url');
  raw[index] = raw[index]! ^ 0x01;
  return raw.toString('base64url');
}

describe('sealed reads', () => {
  it('opens what it sealed, for the same purpose and uid, before it expires', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    expect(unseal(KEY, 'refund', 'admin-1', token, NOW + SEAL_TTL_MS - 1)).toEqual(DOCS);
  });

  it('is opaque: nothing of the sealed data is readable in the token', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    const bytes = Buffer.from(token, 'base64url').toString('latin1');
    expect(bytes).not.toContain('payments/p1');
    expect(bytes).not.toContain('amount');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    // Two seals of the same docs differ (a fresh IV each time).
    expect(seal(KEY, 'refund', 'admin-1', DOCS, NOW)).not.toBe(token);
  });

  it('does not open with any byte flipped (version, IV, tag or ciphertext)', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    const length = Buffer.from(token, 'base64url').length;
    for (const i of [0, 1, 12, 13, 28, 29, length - 1]) {
      expect(unseal(KEY, 'refund', 'admin-1', flipByte(token, i), NOW), `byte ${i}`).toBeNull();
    }
  });

  it('does not open for another purpose or another uid', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    expect(unseal(KEY, 'limits', 'admin-1', token, NOW)).toBeNull();
    expect(unseal(KEY, 'refund', 'admin-2', token, NOW)).toBeNull();
    expect(unseal(KEY, 'refund', 'admin-1', token, NOW)).not.toBeNull();
  });

  it('does not open once expired, and honours a shorter ttl', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    expect(unseal(KEY, 'refund', 'admin-1', token, NOW + SEAL_TTL_MS)).toBeNull();
    const short = seal(KEY, 'refund', 'admin-1', DOCS, NOW, 1000);
    expect(unseal(KEY, 'refund', 'admin-1', short, NOW + 999)).toEqual(DOCS);
    expect(unseal(KEY, 'refund', 'admin-1', short, NOW + 1000)).toBeNull();
  });

  it('does not open with another key', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    expect(unseal('another-key', 'refund', 'admin-1', token, NOW)).toBeNull();
    expect(unseal('', 'refund', 'admin-1', token, NOW)).toBeNull();
  });

  it('returns null, never throws, on garbage', () => {
    const token = seal(KEY, 'refund', 'admin-1', DOCS, NOW);
    const garbage: unknown[] = [
      '',
      'x',
      'not base64url!',
      token.slice(0, 20),
      token.slice(0, -3),
      `${token}AA`,
      'A'.repeat(MAX_SEAL_LENGTH + 1),
      Buffer.alloc(64).toString('base64url'),
      null,
      undefined,
      42,
      { token },
    ];
    for (const g of garbage) {
      expect(() => unseal(KEY, 'refund', 'admin-1', g as string, NOW)).not.toThrow();
      expect(unseal(KEY, 'refund', 'admin-1', g as string, NOW)).toBeNull();
    }
  });

  it("derives each purpose's AES key once per process, as a KeyObject (a Buffer key costs every cipher ~9 µs)", () => {
    const limits = cipherKey(KEY, 'limits');
    expect(limits).toBeInstanceOf(KeyObject);
    expect(limits).toMatchObject({ type: 'secret', symmetricKeySize: 32 });
    expect(cipherKey(KEY, 'limits')).toBe(limits);
    expect(cipherKey(KEY, 'refund').equals(limits)).toBe(false);
    expect(cipherKey('another-key-0123456789', 'limits').equals(limits)).toBe(false);
  });

  it('opens a seal made with the raw derived key bytes (the format: version, IV, tag, AES-256-GCM body)', () => {
    const raw = Buffer.from(hkdfSync('sha256', KEY, 'sealed-reads/v1', 'purpose:limits', 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', raw, iv);
    cipher.setAAD(Buffer.from(JSON.stringify([1, 'limits', 'u1'])));
    const body = Buffer.concat([cipher.update(JSON.stringify({ exp: NOW + 1000, docs: DOCS })), cipher.final()]);
    const token = Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]).toString('base64url');
    expect(unseal(KEY, 'limits', 'u1', token, NOW)).toEqual(DOCS);
  });

  it('refuses to seal with an empty key', () => {
    expect(() => seal('', 'refund', 'admin-1', DOCS, NOW)).toThrow(/empty/);
  });
});
