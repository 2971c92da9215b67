import type { AxiosInstance } from 'axios';

/** A plain object, as axios's header buckets (`common`, `get`, `post`...) are. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Trims an axios instance's defaults to what changes its requests, so the
 * config merge axios runs on every request copies and checks less (section 1
 * of the bench: about 4 % of the client's CPU per request, and 5 KB less
 * allocated). What axios sends and how it reads answers stay as they were:
 *
 * - `transitional` is dropped: wherever axios reads it, a config without it
 *   falls back to axios's own transitional defaults, which the instance's copy
 *   only repeats; with it, every request merged a copy and validated its keys.
 * - The header buckets are flattened: `common` (Accept...) goes to the top
 *   level beneath the instance's own headers, which win as they do when axios
 *   flattens the buckets per request; the per-method buckets are dropped. Only
 *   when every per-method bucket is empty, as in axios's defaults: a header
 *   that one method sends would otherwise be sent by all, so headers with a
 *   non-empty method bucket are left as they are.
 */
export function trimDefaults(client: AxiosInstance): AxiosInstance {
  const defaults = client.defaults as { transitional?: unknown; headers: unknown };
  delete defaults.transitional;
  const headers = defaults.headers as Record<string, unknown>;
  const flat: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (!isPlainObject(value)) own[key] = value;
    else if (key === 'common') Object.assign(flat, value);
    else if (Object.keys(value).length > 0) return client;
  }
  defaults.headers = Object.assign(flat, own);
  return client;
}
