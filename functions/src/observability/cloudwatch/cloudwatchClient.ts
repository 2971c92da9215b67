/**
 * The shipper's CloudWatch Logs SDK client, sent over a keep-alive agent of the
 * HTTP pool manager (service `cloudwatch-logs` by default) so its sockets,
 * requests, failures and latency are measured there like payment-service's,
 * and the cheap health probe the pool runs for it.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PooledNodeHttpHandler, protocolOf, type HttpPoolManager } from '../../resilience/http/index.js';
import { healthProblem } from './cloudwatchErrors.js';
import type { CloudWatchShipperOptions } from './shipperOptions.js';

/** What the client needs from the shipper's options. */
export type ConnectionOptions = Pick<
  CloudWatchShipperOptions,
  'region' | 'endpoint' | 'credentials' | 'credentialSource' | 'maxSockets' | 'healthTimeoutMs'
> & {
  /** The pool that owns the agent; it measures the traffic. */
  pool: HttpPoolManager;
  /** Name of the service in the pool. */
  serviceName: string;
  /** The shipper's log group, named in the health query. */
  logGroup: string;
};

/**
 * Registers the service's agent with `pool` (its health probe: one
 * DescribeLogGroups call for the log group's name, limit 1, which answers
 * whether or not the group exists yet) and returns an SDK client sending
 * through it. The SDK's own retries are off: the shipper's stay inside the
 * flush budget. With a `credentialSource` the client asks it on every request
 * (it caches and refreshes them), and the health probe gets them first within
 * its own deadline.
 */
export function connectCloudWatch(o: ConnectionOptions): CloudWatchLogsClient {
  const protocol = o.endpoint ? protocolOf(o.serviceName, o.endpoint) : 'https:';
  const pooled = o.pool.registerAgent(o.serviceName, {
    protocol,
    ...(o.maxSockets === undefined ? {} : { maxSockets: o.maxSockets }),
    ...(o.healthTimeoutMs === undefined ? {} : { healthTimeoutMs: o.healthTimeoutMs }),
    healthProbe: async (abortSignal) => {
      try {
        await o.credentialSource?.get(abortSignal);
        await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: o.logGroup, limit: 1 }), { abortSignal });
        return undefined;
      } catch (err) {
        return healthProblem(err);
      }
    },
  });
  const source = o.credentialSource;
  // `memoized` tells the SDK not to wrap the provider in its own cache: that cache would keep
  // credentials the source has invalidated, and refresh on its own schedule, not the source's.
  const credentials = source ? Object.assign(() => source.get(), { memoized: true }) : o.credentials;
  const client = new CloudWatchLogsClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 1,
    requestHandler: new PooledNodeHttpHandler(pooled),
  });
  return client;
}
