/**
 * Outlier-ejection state of an endpoint, as the endpoint set reports it.
 * Import-free (type imports only): the admin SPA bundles it through api/.
 */

/** Outlier-ejection state of one endpoint of a service. */
export interface EjectionView {
  /** Out of rotation now: new payments are not sent to it. */
  ejected: boolean;
  /** When it comes back; null while it is in rotation. */
  ejectedUntil: number | null;
  /** Times it was ejected so far (the ejection period grows with them). */
  ejections: number;
  /** 5xx answers or timeouts in a row right now. */
  consecutiveFailures: number;
}
