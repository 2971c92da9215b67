/**
 * Traffic counters of the payment provider simulator: provider requests by
 * endpoint, TCP connections, and provider requests in flight (now and at the
 * peak, for fleet-wide concurrency budgets). Control requests are not provider
 * requests: they count only as connections.
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Endpoint } from './faults.ts';
import type { SimulatorStats } from './shapes.ts';

export type { SimulatorStats } from './shapes.ts';

/** Which provider endpoint a method and path hit. */
export function classify(method: string, path: string): Endpoint {
  if (path === '/charge' && method === 'POST') return 'charge';
  if (path.startsWith('/charge/') && method === 'GET') return 'lookup';
  if (path === '/refund' && method === 'POST') return 'refund';
  if (path.startsWith('/refund/') && method === 'GET') return 'refundLookup';
  if (path === '/health' && method === 'GET') return 'health';
  return 'other';
}

/** The counters, and the open sockets (so the server can destroy them on close). */
export class Traffic {
  /** Every open TCP connection. */
  readonly sockets = new Set<Socket>();
  private readonly requests: Record<Endpoint, number> = {
    charge: 0,
    lookup: 0,
    refund: 0,
    refundLookup: 0,
    health: 0,
    other: 0,
  };
  private connectionsOpened = 0;
  private inFlight = 0;
  private peakInFlight = 0;

  /** Counts an accepted connection until it closes. */
  connection(socket: Socket): void {
    this.connectionsOpened += 1;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /**
   * Counts a provider request, in flight until its response is finished or its
   * connection closed (a held request stays in flight until the client gives up).
   */
  request(endpoint: Endpoint, res: ServerResponse): void {
    this.requests[endpoint] += 1;
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    // 'close' fires once, both after a complete answer and when the socket dies first.
    res.once('close', () => (this.inFlight -= 1));
  }

  /** A copy of the counters. */
  snapshot(): SimulatorStats {
    return {
      connectionsOpened: this.connectionsOpened,
      connectionsOpen: this.sockets.size,
      requests: { ...this.requests },
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
    };
  }

  /** Zeroes the counters; the peak restarts from the requests still in flight. */
  reset(): void {
    for (const k of Object.keys(this.requests) as Endpoint[]) this.requests[k] = 0;
    this.connectionsOpened = 0;
    this.peakInFlight = this.inFlight;
  }
}
