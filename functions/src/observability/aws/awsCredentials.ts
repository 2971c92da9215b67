/**
 * AWS credentials of the CloudWatch shipper, fetched lazily inside the calls
 * that need them and cached until shortly before they expire.
 *
 * Cloud Functions throttles the CPU after a response, so nothing refreshes in
 * the background: the first call that finds the credentials due fetches new
 * ones (one fetch at a time, shared by concurrent callers) and waits for it no
 * longer than its own abort signal (the flush budget), falling back to the old
 * credentials while they are still valid. After a failed fetch the error is
 * answered without fetching for `retryAfterMs`, so an STS or metadata outage
 * costs one request every few seconds per instance, not one per flush, and a
 * flush never waits for it beyond its budget.
 */
import { forgetSecret, registerSecret } from '../logs/redact.js';

/** Credentials as the AWS SDK takes them (its AwsCredentialIdentity). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When they stop working; absent for long-term keys. */
  expiration?: Date;
}

/** Why no credentials could be had. */
export const CredentialFailures = {
  /** Not configured (the key secrets are not set). */
  missing: 'missing',
  /** The metadata server or STS could not be reached or failed (an outage: retried later). */
  unavailable: 'unavailable',
  /** The metadata server or STS answered no (trust policy, audience, role). */
  refused: 'refused',
  /** No answer within the caller's time. */
  timeout: 'timeout',
} as const;
export type CredentialFailure = (typeof CredentialFailures)[keyof typeof CredentialFailures];

/**
 * A failure to get credentials. Its message says in words what failed
 * ("could not get AWS credentials: STS unavailable (...)") and is built from
 * identifiers only: it never carries a key, token or server-supplied text.
 */
export class AwsCredentialsError extends Error {
  override readonly name = 'AwsCredentialsError';
  readonly reason: CredentialFailure;

  constructor(reason: CredentialFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Where the shipper's SDK client gets its credentials. */
export interface AwsCredentialSource {
  /** 'keys' (the AWS key secrets) or 'web-identity' (AWS_ROLE_ARN). */
  readonly mode: string;
  /**
   * Valid credentials, fetched first when missing or due for refresh. Rejects
   * with {@link AwsCredentialsError}. `signal` bounds this caller's wait, not
   * the shared fetch.
   */
  get(signal?: AbortSignal): Promise<AwsCredentials>;
  /** Forgets the cached credentials (AWS refused them), so the next get() fetches new ones. */
  invalidate(): void;
  /** Releases the fetcher's sockets. */
  destroy(): void;
}

/** Settings of {@link CachedCredentials}. */
export interface CachedCredentialsOptions {
  mode: string;
  /**
   * Fetches new credentials. `signal` aborts at `fetchTimeoutMs`; `stage`
   * names what it waits for now ("the metadata server", "STS") for the
   * timeout message.
   */
  fetch: (signal: AbortSignal, stage: (name: string) => void) => Promise<AwsCredentials>;
  /** Longest time one fetch may take, ms (default 5000). */
  fetchTimeoutMs?: number;
  /** Refresh this long before expiry, but at most half the lifetime, ms (default 5 minutes). */
  refreshMarginMs?: number;
  /** After a failed fetch, answer its error without fetching for this long, ms (default 5000). */
  retryAfterMs?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Releases the fetcher's resources. */
  destroy?: () => void;
}

const DEFAULTS = { fetchTimeoutMs: 5000, refreshMarginMs: 5 * 60_000, retryAfterMs: 5000 } as const;
/** Credentials this close to expiry are no longer used at all (a request signed now must still arrive in time). */
const MAX_EXPIRY_SKEW_MS = 5000;

/** Credentials from `fetch`, cached and refreshed lazily before they expire. */
export class CachedCredentials implements AwsCredentialSource {
  readonly mode: string;
  private readonly o: Required<Omit<CachedCredentialsOptions, 'destroy'>> & Pick<CachedCredentialsOptions, 'destroy'>;
  private current: AwsCredentials | null = null;
  private fetchedAt = 0;
  private pending: Promise<AwsCredentials> | null = null;
  private stage = 'the credential source';
  private failure: { error: AwsCredentialsError; retryAt: number } | null = null;

  constructor(options: CachedCredentialsOptions) {
    this.mode = options.mode;
    this.o = { ...DEFAULTS, now: () => Date.now(), ...options };
  }

  async get(signal?: AbortSignal): Promise<AwsCredentials> {
    const now = this.o.now();
    const valid = this.valid(now);
    if (valid && !this.due(now)) return valid;
    if (!this.pending && this.failure && now < this.failure.retryAt) {
      if (valid) return valid;
      throw this.failure.error;
    }
    this.pending ??= this.refresh();
    try {
      return await this.within(this.pending, signal);
    } catch (err) {
      // Due for refresh is not expired: the old credentials still work for a while.
      const still = this.valid(this.o.now());
      if (still) return still;
      throw err;
    }
  }

  invalidate(): void {
    this.current = null;
    this.failure = null;
  }

  destroy(): void {
    this.o.destroy?.();
  }

  /** The cached credentials unless they are (nearly) expired. */
  private valid(now: number): AwsCredentials | null {
    const c = this.current;
    if (!c?.expiration) return c;
    const skew = Math.min(MAX_EXPIRY_SKEW_MS, (c.expiration.getTime() - this.fetchedAt) / 10);
    return c.expiration.getTime() - now > skew ? c : null;
  }

  /** Whether the cached credentials should be replaced now (always when there are none). */
  private due(now: number): boolean {
    const c = this.current;
    if (!c) return true;
    if (!c.expiration) return false;
    const lifetime = c.expiration.getTime() - this.fetchedAt;
    return c.expiration.getTime() - now <= Math.min(this.o.refreshMarginMs, lifetime / 2);
  }

  private async refresh(): Promise<AwsCredentials> {
    const started = this.o.now();
    this.stage = 'the credential source';
    const timeout = AbortSignal.timeout(this.o.fetchTimeoutMs);
    try {
      const fetched = this.o.fetch(timeout, (name) => (this.stage = name));
      // Also bounded here, in case a fetcher does not honour its signal.
      const c = await this.within(fetched, timeout);
      if (!c.accessKeyId || !c.secretAccessKey) {
        throw new AwsCredentialsError(
          CredentialFailures.refused,
          'could not get AWS credentials: the answer held no key',
        );
      }
      this.replace(c, started);
      this.failure = null;
      return c;
    } catch (err) {
      const error =
        err instanceof AwsCredentialsError
          ? err
          : new AwsCredentialsError(CredentialFailures.unavailable, `could not get AWS credentials from ${this.stage}`);
      this.failure = { error, retryAt: this.o.now() + this.o.retryAfterMs };
      throw error;
    } finally {
      this.pending = null;
    }
  }

  /** Keeps `c`, and makes the logs mask its secret parts (and no longer the old ones). */
  private replace(c: AwsCredentials, fetchedAt: number): void {
    if (this.current) {
      forgetSecret(this.current.secretAccessKey);
      forgetSecret(this.current.sessionToken);
    }
    registerSecret(c.secretAccessKey);
    registerSecret(c.sessionToken);
    this.current = c;
    this.fetchedAt = fetchedAt;
  }

  /** `p`, or a timeout error naming the current stage as soon as `signal` aborts. */
  private within<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return p;
    const timeoutError = () =>
      new AwsCredentialsError(
        CredentialFailures.timeout,
        `could not get AWS credentials: ${this.stage} did not answer in time`,
      );
    if (signal.aborted) return Promise.reject(timeoutError());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(timeoutError());
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
