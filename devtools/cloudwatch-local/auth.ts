/**
 * Request authentication of the local CloudWatch Logs endpoint. By default it
 * only wants a SigV4 Authorization header (any key) and notes which access key
 * id signed and whether a session token (`X-Amz-Security-Token`) came. Given
 * known credentials it behaves like AWS: an unknown key id or a wrong session
 * token is UnrecognizedClientException, an expired temporary key is
 * ExpiredTokenException, a signature made with another secret is
 * InvalidSignatureException; with `requireSessionToken`, requests without a
 * session token (long-term keys) are refused too.
 */
import { ApiError } from './logsApi.ts';
import { parseAuthorization, signatureMatches, type SignedRequest } from './sigv4.ts';

/** Credentials the endpoint accepts. */
export interface KnownCredentials {
  accessKeyId: string;
  /** When given, signatures are verified with it. */
  secretAccessKey?: string;
  /** When given, requests must carry exactly this `X-Amz-Security-Token`. */
  sessionToken?: string;
  /** Epoch ms after which the key is refused as expired. */
  expiresAt?: number;
}

/** How strictly requests are authenticated. */
export interface AuthOptions {
  /** When non-empty, only these keys are accepted (more with `allowCredentials`). */
  credentials?: KnownCredentials[];
  /** Refuse requests without `X-Amz-Security-Token` (only temporary credentials pass). */
  requireSessionToken?: boolean;
}

/** What a request's authentication showed (kept in the request log). */
export interface SeenAuth {
  accessKeyId?: string;
  sessionToken: boolean;
}

const SERVICE = 'logs';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** Checks requests against the configured credentials. */
export class AuthChecker {
  private known = new Map<string, KnownCredentials>();
  private requireSessionToken = false;

  constructor(options: AuthOptions = {}) {
    this.configure(options);
  }

  /** Replaces the configuration. */
  configure(options: AuthOptions): void {
    this.known = new Map((options.credentials ?? []).map((c) => [c.accessKeyId, { ...c }]));
    this.requireSessionToken = options.requireSessionToken === true;
  }

  /** Accepts one more key (e.g. credentials a fake STS just issued). */
  allow(credentials: KnownCredentials): void {
    this.known.set(credentials.accessKeyId, { ...credentials });
  }

  /** Returns what the request's authentication showed, or throws the ApiError AWS would answer. */
  check(req: SignedRequest, now: number): SeenAuth {
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
      throw new ApiError('MissingAuthenticationTokenException', 'Missing SigV4 Authorization header.');
    }
    const auth = parseAuthorization(header);
    const token = req.headers['x-amz-security-token'];
    const seen: SeenAuth = { sessionToken: typeof token === 'string' && token.length > 0 };
    if (auth) seen.accessKeyId = auth.accessKeyId;
    if (this.known.size === 0 && !this.requireSessionToken) return seen;

    if (!auth)
      throw new ApiError('IncompleteSignatureException', 'The Authorization header is not a valid SigV4 signature.');
    if (auth.service !== SERVICE) {
      throw new ApiError('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'.`);
    }
    if (this.requireSessionToken && !seen.sessionToken) {
      throw new ApiError(
        'UnrecognizedClientException',
        `${INVALID_TOKEN} (This endpoint accepts temporary credentials only.)`,
      );
    }
    if (this.known.size === 0) return seen;
    const known = this.known.get(auth.accessKeyId);
    if (!known) throw new ApiError('UnrecognizedClientException', INVALID_TOKEN);
    if (known.sessionToken !== undefined && token !== known.sessionToken) {
      throw new ApiError('UnrecognizedClientException', INVALID_TOKEN);
    }
    if (known.expiresAt !== undefined && now >= known.expiresAt) {
      throw new ApiError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    if (known.secretAccessKey !== undefined && !signatureMatches(auth, req, known.secretAccessKey)) {
      throw new ApiError(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
    return seen;
  }
}
