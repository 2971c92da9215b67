import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { CombinedMiss, EndpointAt, LookupReading } from './endpointRoutes.js';

/**
 * What the generic contract's adapters share (GenericProvider for charges,
 * GenericRefunds for refunds): one HTTP pool per endpoint set, the endpoints'
 * balancing and ejection, and the routing of a payment's requests by its
 * endpoint pin (endpointRef.ts, endpointRoutes.ts), so a refund goes where
 * its charge is and is looked up there.
 */

/** One request's outcome at one endpoint (GenericProvider.send). */
export interface SendResult {
  res: AxiosResponse | null;
  err: unknown;
  /** The failure is this endpoint's alone: it was ejected while others serve. */
  isolated: boolean;
  /** How long this instance's event loop stalled during the request. */
  stalledMs: number;
}

/** Where a request that moves money for a payment goes: an endpoint, or nowhere (nothing is sent). */
export type WriteTarget =
  | { kind: 'endpoint'; at: EndpointAt; label?: string }
  | { kind: 'refused'; reason: 'endpoint-retired' | 'endpoint-not-configured' | 'unpinned' };

/** The transport of the generic contract, bound to one provider's pools and endpoints. */
export interface GenericChannel {
  /**
   * The endpoint for a request moving money for the payment `ref`
   * (endpointRoutes.ts chargeRoute, with failover when keys are shared).
   * `followRetired`: a payment pinned to a retired endpoint is sent there
   * (a refund: its charge is there and nowhere else); otherwise refused.
   * `label` names the endpoint (`endpoint-<n>`) when several are configured.
   */
  writeTarget(ref: string, followRetired: boolean): WriteTarget;
  /** One request to endpoint `at`, counted for its load and ejection when it is configured. */
  send(at: EndpointAt, config: AxiosRequestConfig, timeoutMs: number): Promise<SendResult>;
  /** Asks the endpoints that may know of payment `ref`'s request (endpointRoutes.ts lookupRoute, lookupAlong.ts). */
  lookup<A extends LookupReading>(
    ref: string,
    timeoutMs: number,
    askAt: (at: EndpointAt, timeoutMs: number) => Promise<A>,
  ): Promise<A | CombinedMiss>;
}
