/**
 * The `health` HTTP function's deep view, fetched with the admin's ID token.
 * A 503 is an answer (payments cannot be taken), not a failure: its body is
 * the report like a 200's.
 */
import { functionsBaseUrl, idToken } from '../firebase';
import { ApiError } from './errors';
import type { HealthDeepReport } from './types';

/** Fetches `health?deep=1`. @throws ApiError (`unauthenticated`, `permission-denied`, `network-error`, `http-<status>`) */
export async function getHealth(
  baseUrl: string = functionsBaseUrl,
  token: () => Promise<string | null> = idToken,
): Promise<HealthDeepReport> {
  const bearer = await token();
  if (!bearer) throw new ApiError('unauthenticated', 'Sign in to see the service health.');
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/health?deep=1`, { headers: { Authorization: `Bearer ${bearer}` } });
  } catch (err) {
    throw new ApiError(
      'network-error',
      `Could not reach the health endpoint (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  const body = (await response.json().catch(() => null)) as { error?: unknown; message?: unknown } | null;
  if (response.status === 200 || response.status === 503) return body as unknown as HealthDeepReport;
  throw new ApiError(
    typeof body?.error === 'string' ? body.error : `http-${response.status}`,
    typeof body?.message === 'string' ? body.message : `The health endpoint answered HTTP ${response.status}.`,
  );
}
