/**
 * Signature Version 4 as the local CloudWatch Logs endpoint checks it: reads
 * the Authorization header the AWS SDK sends and, when the secret key of its
 * access key id is known, recomputes the signature over the canonical request
 * (method, path, query, the signed headers, the body's SHA-256), so a client
 * that signs with the wrong secret, or changes a signed header such as the
 * session token, is refused here as it would be by AWS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** What the signature covers. */
export interface SignedRequest {
  method: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  /** The query string as sent, without "?". */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;

/** Parses a SigV4 Authorization header; null when it is not a well-formed one. */
export function parseAuthorization(header: string | undefined): SigV4Authorization | null {
  const m = AUTH_RE.exec((header ?? '').trim());
  if (!m) return null;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

function canonicalQuery(query: string): string {
  return [...new URLSearchParams(query)]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : 1) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return value.trim().replace(/\s+/g, ' ');
}

/** The canonical request of SigV4 (services other than S3: each path segment encoded once more). */
export function canonicalRequest(req: SignedRequest, signedHeaders: string[]): string {
  const path = req.path.split('/').map(rfc3986).join('/') || '/';
  const headers = signedHeaders.map((h) => `${h}:${headerValue(req.headers, h)}\n`).join('');
  const payload =
    typeof req.headers['x-amz-content-sha256'] === 'string' ? req.headers['x-amz-content-sha256'] : sha256(req.body);
  return [req.method, path, canonicalQuery(req.query), headers, signedHeaders.join(';'), payload].join('\n');
}

/** True when `auth.signature` is the signature of `req` under `secretAccessKey`. */
export function signatureMatches(auth: SigV4Authorization, req: SignedRequest, secretAccessKey: string): boolean {
  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!auth.signedHeaders.includes('host') || !amzDate.startsWith(auth.date)) return false;
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest(req, auth.signedHeaders))].join(
    '\n',
  );
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(auth.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
