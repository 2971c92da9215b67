/**
 * A local stand-in for the Google Compute Engine metadata server's identity
 * endpoint, the one Cloud Functions (2nd gen) instances ask for a Google-signed
 * ID token of their service account:
 *
 *   GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>&format=full
 *   Metadata-Flavor: Google
 *
 * Like the real server it refuses requests without `Metadata-Flavor: Google`
 * (403) or with `X-Forwarded-For` (a proxied request), wants a non-empty
 * audience (400), and answers the token as text with `Metadata-Flavor: Google`.
 * The token is an RS256 JWT signed with a key made at start (`publicKey`, so
 * the fake STS can check it), with Google's claims: iss, aud (the audience),
 * azp and sub (the service account's numeric id), iat, exp, and with
 * format=full also email and email_verified.
 *
 * Test hooks: `setFaults()` or `PUT /__control/faults` ('error500', 'hang',
 * 'notFound'), `requests()` or `GET /__control/requests` (never the tokens).
 * Runs directly on Node 24 (type stripping): node built-ins only.
 */
import type { KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeJwt, newSigningKey, signJwt, type IdTokenClaims } from './jwt.ts';
import { FaultSwitch, serve, type Faults } from './serve.ts';

/** Fault modes of the metadata server. */
export const METADATA_FAULTS = ['error500', 'hang', 'notFound'] as const;
export type MetadataFault = (typeof METADATA_FAULTS)[number];

/** The identity the fake answers for. */
export interface ServiceAccount {
  email: string;
  /** The numeric unique id, Google's `sub` and `azp` of the account's tokens. */
  uniqueId: string;
}

/** One request as the fake saw it (newest last). */
export interface MetadataRequest {
  path: string;
  status: number;
  at: number;
  /** The requested audience, if any. */
  audience?: string;
  /** Whether `Metadata-Flavor: Google` came. */
  flavor: boolean;
}

/** Handle of a running fake metadata server. */
export interface GceMetadataLocal {
  url: string;
  /** `host:port`, the value for GCE_METADATA_HOST. */
  host: string;
  port: number;
  serviceAccount: ServiceAccount;
  /** Verifies the tokens it signs. */
  publicKey: KeyObject;
  close(): Promise<void>;
  setFaults(faults: Faults<MetadataFault>): void;
  requests(): MetadataRequest[];
  reset(): void;
}

export const IDENTITY_PATH = '/computeMetadata/v1/instance/service-accounts/default/identity';
const DEFAULT_ACCOUNT: ServiceAccount = {
  email: 'payments@demo-payments.iam.gserviceaccount.com',
  uniqueId: '112233445566778899001',
};

/** Starts the fake on `host:port` (port 0 = any free port). Tokens live `tokenLifetimeSec` (default 3600, like Google's). */
export async function startGceMetadata(
  options: { port?: number; host?: string; serviceAccount?: ServiceAccount; tokenLifetimeSec?: number } = {},
): Promise<GceMetadataLocal> {
  const account = options.serviceAccount ?? DEFAULT_ACCOUNT;
  const lifetime = options.tokenLifetimeSec ?? 3600;
  const { privateKey, publicKey } = newSigningKey();
  const faults = new FaultSwitch(METADATA_FAULTS);
  const log: MetadataRequest[] = [];

  function text(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Metadata-Flavor': 'Google' }).end(body);
  }

  const hooks = { faults, requests: () => api.requests(), reset: () => api.reset() };
  const served = await serve(options, hooks, (req, res, url) => {
    const flavor = req.headers['metadata-flavor'] === 'Google';
    const audience = url.searchParams.get('audience') ?? undefined;
    const record: MetadataRequest = { path: url.pathname, status: 0, at: Date.now(), flavor };
    if (audience !== undefined) record.audience = audience;
    log.push(record);
    if (log.length > 10_000) log.shift();
    const answer = (status: number, message: string) => {
      record.status = status;
      text(res, status, message);
    };
    if (!flavor || req.headers['x-forwarded-for'] !== undefined) {
      return answer(403, 'Missing required header "Metadata-Flavor": "Google", or the request was forwarded.');
    }
    if (req.method !== 'GET' || url.pathname !== IDENTITY_PATH) return answer(404, 'Not found.');
    const fault = faults.take();
    if (fault === 'hang') return; // never answered; close() ends the socket
    if (fault === 'error500') return answer(500, 'Internal error.');
    if (fault === 'notFound') return answer(404, 'No service account is attached to this instance.');
    if (!audience) return answer(400, 'non-empty audience parameter required');
    const iat = Math.floor(Date.now() / 1000);
    const claims: IdTokenClaims = {
      iss: 'https://accounts.google.com',
      aud: audience,
      azp: account.uniqueId,
      sub: account.uniqueId,
      iat,
      exp: iat + lifetime,
    };
    if (url.searchParams.get('format') === 'full')
      Object.assign(claims, { email: account.email, email_verified: true });
    answer(200, signJwt(claims, privateKey, 'local-metadata-key'));
  });

  const api: GceMetadataLocal = {
    url: served.url,
    host: served.hostPort,
    port: served.port,
    serviceAccount: { ...account },
    publicKey,
    close: () => served.close(),
    setFaults: (next) => faults.set(next),
    requests: () => log.map((r) => ({ ...r })),
    reset() {
      log.length = 0;
      faults.set({ mode: 'none' });
    },
  };
  return api;
}

/** The claims of a token this fake issued (tests), or null when `token` is not a JWT. */
export function tokenClaims(token: string): Partial<IdTokenClaims> | null {
  return decodeJwt(token)?.claims ?? null;
}
