/**
 * A local stand-in for AWS STS `AssumeRoleWithWebIdentity`, speaking the real
 * query protocol (POST / with a form-encoded `Action=AssumeRoleWithWebIdentity
 * &Version=2011-06-15&RoleArn=...&RoleSessionName=...&WebIdentityToken=...`,
 * XML answers), so the AWS SDK's web-token credential provider can be pointed
 * at it with `clientConfig.endpoint`.
 *
 * It checks what the real service checks for a Google ID token: a JWT from
 * issuer accounts.google.com that has not expired, the role ARN, session name
 * and duration formats, and, when configured with a trust, the role's trust
 * conditions (the token's `aud`, its `sub`, and its signature against the
 * metadata fake's key). It answers temporary credentials (AccessKeyId "ASIA...",
 * SecretAccessKey, SessionToken, Expiration) living DurationSeconds, or
 * `lifetimeMs` when set (short lifetimes for refresh tests), and tells
 * listeners (`onIssue`) so a local CloudWatch endpoint can accept them.
 *
 * Test hooks: `setFaults()` or `PUT /__control/faults` ('error500' = an
 * outage, 'hang', 'throttle', 'refuse'), `requests()` or `GET /__control/requests`
 * (never tokens or keys). Runs directly on Node 24 (type stripping).
 */
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeJwt, verifyJwt } from './jwt.ts';
import { FaultSwitch, serve, type Faults } from './serve.ts';

/** Fault modes of the fake STS. */
export const STS_FAULTS = ['error500', 'hang', 'throttle', 'refuse'] as const;
export type StsFault = (typeof STS_FAULTS)[number];

/** The role's trust conditions the fake enforces (each only when set). */
export interface StsTrust {
  /** Required `aud` claim (the trust policy's `accounts.google.com:oaud`). */
  audience?: string;
  /** Required `sub` claim (the service account's numeric id). */
  subject?: string;
  /** Key the token must be signed with (the metadata fake's `publicKey`). */
  issuerKey?: KeyObject;
}

/** Temporary credentials the fake handed out. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiresAt: number;
  roleArn: string;
  sessionName: string;
}

/** One request as the fake saw it (newest last); no token or key. */
export interface StsRequest {
  action: string;
  status: number;
  at: number;
  errorCode?: string;
  roleArn?: string;
  sessionName?: string;
  durationSeconds?: number;
  /** The token's `aud` claim. */
  audience?: string;
}

/** Handle of a running fake STS. */
export interface StsLocal {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(faults: Faults<StsFault>): void;
  /** Lifetime of the next credentials, ms; undefined: DurationSeconds (default 3600 s). */
  setLifetime(ms: number | undefined): void;
  setTrust(trust: StsTrust): void;
  /** Calls `listener` with every credential set issued from now on. */
  onIssue(listener: (c: IssuedCredentials) => void): void;
  issued(): IssuedCredentials[];
  requests(): StsRequest[];
  /** Forgets requests, issued credentials and faults; keeps lifetime, trust and listeners. */
  reset(): void;
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64}))$/;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;
const GOOGLE_ISSUERS = new Set(['https://accounts.google.com', 'accounts.google.com']);

class StsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';
  constructor(code: string, message: string, status = 400, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

const xml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const randomUpper = (n: number) =>
  Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

/** Starts the fake on `host:port` (port 0 = any free port). */
export async function startStsLocal(
  options: { port?: number; host?: string; lifetimeMs?: number; trust?: StsTrust } = {},
): Promise<StsLocal> {
  const faults = new FaultSwitch(STS_FAULTS);
  const log: StsRequest[] = [];
  const issued: IssuedCredentials[] = [];
  const listeners: ((c: IssuedCredentials) => void)[] = [];
  let lifetimeMs = options.lifetimeMs;
  let trust: StsTrust = { ...options.trust };

  function send(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() }).end(body);
  }
  function sendError(res: ServerResponse, err: StsError): void {
    send(
      res,
      err.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${err.type}</Type><Code>${err.code}</Code>` +
        `<Message>${xml(err.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  /** Checks the request like STS does and returns the new credentials. */
  function assume(params: URLSearchParams, record: StsRequest): IssuedCredentials {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const token = params.get('WebIdentityToken') ?? '';
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    Object.assign(record, { roleArn, sessionName, durationSeconds: duration });
    const role = ROLE_ARN_RE.exec(roleArn);
    if (!role) throw new StsError('ValidationError', `${roleArn || 'RoleArn'} is invalid`);
    if (!SESSION_NAME_RE.test(sessionName)) {
      throw new StsError('ValidationError', "Value at 'roleSessionName' failed to satisfy constraint");
    }
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      throw new StsError('ValidationError', "Value at 'durationSeconds' failed to satisfy constraint");
    }
    const jwt = decodeJwt(token);
    if (!jwt) throw new StsError('InvalidIdentityToken', 'The ID Token provided is not a valid JWT.');
    const { iss, aud, sub, exp } = jwt.claims;
    if (typeof aud === 'string') record.audience = aud;
    if (typeof iss !== 'string' || !GOOGLE_ISSUERS.has(iss)) {
      throw new StsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${String(iss)}`);
    }
    if (trust.issuerKey && !verifyJwt(jwt, trust.issuerKey)) {
      throw new StsError('InvalidIdentityToken', 'The ID Token signature could not be verified.');
    }
    if (typeof exp !== 'number' || exp * 1000 <= Date.now()) {
      throw new StsError(
        'ExpiredTokenException',
        'Token expired: the current date/time must be before the expiration.',
      );
    }
    if (
      (trust.audience !== undefined && aud !== trust.audience) ||
      (trust.subject !== undefined && sub !== trust.subject)
    ) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    const creds: IssuedCredentials = {
      accessKeyId: `ASIA${randomUpper(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(120).toString('base64')}`,
      expiresAt: Date.now() + (lifetimeMs ?? duration * 1000),
      roleArn,
      sessionName,
    };
    return creds;
  }

  function answer(creds: IssuedCredentials, subject: string, audience: string): string {
    const role = ROLE_ARN_RE.exec(creds.roleArn)!;
    const [, account, , roleName] = role;
    return (
      `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}"><AssumeRoleWithWebIdentityResult>` +
      `<SubjectFromWebIdentityToken>${xml(subject)}</SubjectFromWebIdentityToken>` +
      `<Audience>${xml(audience)}</Audience>` +
      `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${xml(roleName!)}/${xml(creds.sessionName)}</Arn>` +
      `<AssumedRoleId>AROA${randomUpper(17)}:${xml(creds.sessionName)}</AssumedRoleId></AssumedRoleUser>` +
      `<Credentials><SessionToken>${xml(creds.sessionToken)}</SessionToken>` +
      `<SecretAccessKey>${xml(creds.secretAccessKey)}</SecretAccessKey>` +
      `<Expiration>${new Date(creds.expiresAt).toISOString()}</Expiration>` +
      `<AccessKeyId>${creds.accessKeyId}</AccessKeyId></Credentials>` +
      `<Provider>accounts.google.com</Provider></AssumeRoleWithWebIdentityResult>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`
    );
  }

  const hooks = { faults, requests: () => api.requests(), reset: () => api.reset() };
  const served = await serve(options, hooks, (req, res, url, body) => {
    const params = new URLSearchParams(url.search);
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    }
    const record: StsRequest = { action: params.get('Action') ?? '(none)', status: 0, at: Date.now() };
    log.push(record);
    if (log.length > 10_000) log.shift();
    try {
      if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
        throw new StsError('InvalidAction', 'Only / is served.', 404);
      }
      const fault = faults.take();
      if (fault === 'hang') return; // never answered; close() ends the socket
      if (fault === 'error500') throw new StsError('ServiceUnavailable', 'Service is unavailable.', 503, 'Receiver');
      if (fault === 'throttle') throw new StsError('Throttling', 'Rate exceeded');
      if (fault === 'refuse')
        throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
      if (record.action !== 'AssumeRoleWithWebIdentity') {
        throw new StsError(
          'InvalidAction',
          `Could not find operation ${record.action} for version ${params.get('Version')}`,
        );
      }
      if (params.get('Version') !== '2011-06-15') throw new StsError('InvalidAction', 'Version must be 2011-06-15.');
      const creds = assume(params, record);
      const claims = decodeJwt(params.get('WebIdentityToken')!)!.claims;
      issued.push(creds);
      for (const listener of listeners) listener({ ...creds });
      record.status = 200;
      send(res, 200, answer(creds, String(claims.sub ?? ''), String(claims.aud ?? '')));
    } catch (err) {
      const e =
        err instanceof StsError ? err : new StsError('InternalFailure', (err as Error).message, 500, 'Receiver');
      Object.assign(record, { status: e.status, errorCode: e.code });
      sendError(res, e);
    }
  });

  const api: StsLocal = {
    url: served.url,
    port: served.port,
    close: () => served.close(),
    setFaults: (next) => faults.set(next),
    setLifetime(ms) {
      lifetimeMs = ms;
    },
    setTrust(next) {
      trust = { ...next };
    },
    onIssue(listener) {
      listeners.push(listener);
    },
    issued: () => issued.map((c) => ({ ...c })),
    requests: () => log.map((r) => ({ ...r })),
    reset() {
      log.length = 0;
      issued.length = 0;
      faults.set({ mode: 'none' });
    },
  };
  return api;
}
