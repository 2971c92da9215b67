/**
 * The request side of a dev server's control API (/__control/), for the typed
 * clients of each server (payment-simulator/client.ts, stripe-fake/client.ts):
 * JSON in and out over fetch or a given `send`, failures as ControlError. No
 * imports, so the admin SPA can bundle it.
 */

/** The part of a fetch Response a control call reads. */
export type ControlResponse = { ok: boolean; status: number; text(): Promise<string> };

/** Sends one control request; the global fetch by default. */
export type ControlSend = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<ControlResponse>;

/**
 * A control request that failed: `code` is the server's error code when its
 * error body has one (`{ error: { code, message } }`), else `http-<status>`,
 * or `network-error` when the server could not be reached (`status` null).
 */
export class ControlError extends Error {
  readonly code: string;
  readonly status: number | null;

  constructor(code: string, message: string, status: number | null) {
    super(message);
    this.name = 'ControlError';
    this.code = code;
    this.status = status;
  }
}

/** One control call: method, path under /__control/, optional JSON body; resolves to the JSON answer. */
export type ControlCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const fetchSend: ControlSend = (url, init) => fetch(url, init);

function errorBody(text: string): { code?: unknown; message?: unknown } | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  } catch {
    return undefined;
  }
}

/**
 * Control calls to the server at `url` (no trailing slash); `name` (e.g.
 * "payment simulator") and `start` (how to run it) go into the network-error message.
 */
export function controlCaller(url: string, name: string, start: string, send: ControlSend = fetchSend): ControlCall {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: ControlResponse;
    let text: string;
    try {
      res = await send(`${url}/__control/${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await res.text();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ControlError('network-error', `Could not reach the ${name} at ${url} (${why}). ${start}`, null);
    }
    if (!res.ok) {
      const error = errorBody(text);
      throw new ControlError(
        typeof error?.code === 'string' ? error.code : `http-${res.status}`,
        typeof error?.message === 'string' ? error.message : `The ${name} answered HTTP ${res.status}.`,
        res.status,
      );
    }
    return JSON.parse(text) as T;
  };
}
