/**
 * The HTTP plumbing both fakes share: a server that reads whole request
 * bodies, listens on a free port by default and closes even while a 'hang'
 * fault holds requests open; the one-shot fault switch; and the control
 * routes (`PUT /__control/faults`, `GET /__control/requests`, `POST /__control/reset`).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Injected failure: `count` requests (all while unset) fail with `mode`; 'none' switches faults off. */
export interface Faults<Mode extends string> {
  mode: Mode | 'none';
  count?: number;
}

/** Holds the current fault and hands it out request by request. */
export class FaultSwitch<Mode extends string> {
  private faults: Faults<Mode> = { mode: 'none' };
  private readonly modes: readonly Mode[];

  constructor(modes: readonly Mode[]) {
    this.modes = modes;
  }

  /** Replaces the fault; throws for an unknown mode or a bad count. */
  set(next: Faults<Mode>): void {
    if (next?.mode !== 'none' && !this.modes.includes(next?.mode)) {
      throw new Error(`Unknown fault mode: ${String(next?.mode)}`);
    }
    if (next.count !== undefined && (!Number.isSafeInteger(next.count) || next.count < 1)) {
      throw new Error('count must be a positive integer');
    }
    this.faults = { ...next };
  }

  /** The current fault, as set. */
  get(): Faults<Mode> {
    return { ...this.faults };
  }

  /** The mode that applies to this request (counting it down), or 'none'. */
  take(): Mode | 'none' {
    const mode = this.faults.mode;
    if (mode !== 'none' && this.faults.count !== undefined && --this.faults.count <= 0) {
      this.faults = { mode: 'none' };
    }
    return mode;
  }
}

/** A running fake's address and its stop switch. */
export interface Served {
  url: string;
  /** `host:port`, the form GCE_METADATA_HOST takes. */
  hostPort: string;
  port: number;
  close(): Promise<void>;
}

/** What the control routes act on. */
export interface ControlHooks {
  faults: FaultSwitch<string>;
  requests(): unknown[];
  reset(): void;
}

function control(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, hooks: ControlHooks): void {
  if (url.pathname === '/__control/faults' && req.method === 'PUT') {
    try {
      hooks.faults.set(JSON.parse(body.toString('utf8')) as Faults<string>);
      json(res, 200, hooks.faults.get());
    } catch (err) {
      json(res, 400, { message: (err as Error).message });
    }
  } else if (url.pathname === '/__control/requests' && req.method === 'GET') {
    json(res, 200, { requests: hooks.requests() });
  } else if (url.pathname === '/__control/reset' && req.method === 'POST') {
    hooks.reset();
    json(res, 200, { ok: true });
  } else json(res, 404, { message: 'Unknown control route' });
}

/**
 * Starts `handle` on `host:port` (port 0 = any free port) with each request's
 * whole body and parsed URL; `/__control/` paths go to the control routes.
 */
export async function serve(
  options: { port?: number; host?: string },
  hooks: ControlHooks,
  handle: (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => void,
): Promise<Served> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = Buffer.concat(chunks);
      if (url.pathname.startsWith('/__control/')) control(req, res, url, body, hooks);
      else handle(req, res, url, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `http://${hostPort}`,
    hostPort,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // also ends requests held open by a 'hang' fault
      }),
  };
}

/** Answers a JSON control request. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
