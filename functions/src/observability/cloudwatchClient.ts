/**
 * The shipper's CloudWatch Logs SDK client, sent over a keep-alive agent of the
 * HTTP pool manager (service `cloudwatch-logs` by default) so its sockets,
 * requests, failures and latency are measured there like payment-service's,
 * and the cheap health probe the pool runs for it.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PooledNodeHttpHandler, protocolOf, type HttpPoolManager } from '../resilience/http/index.js';
import { healthProblem } from './cloudwatchErrors.js';
import type { CloudWatchShipperOptions } from './shipperOptions.js';

/** What the client needs from the shipper's options. */
export type ConnectionOptions = Pick<
  CloudWatchShipperOptions,
  'region' | 'endpoint' | 'credentials' | 'maxSockets' | 'healthTimeoutMs'
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
 * flush budget.
 */
export function connectCloudWatch(o: ConnectionOptions): CloudWatchLogsClient {
  const protocol = o.endpoint ? protocolOf(o.serviceName, o.endpoint) : 'https:';
  const pooled = o.pool.registerAgent(o.serviceName, {
    protocol,
    ...(o.maxSockets === undefined ? {} : { maxSockets: o.maxSockets }),
    ...(o.healthTimeoutMs === undefined ? {} : { healthTimeoutMs: o.healthTimeoutMs }),
    healthProbe: (abortSignal) =>
      client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: o.logGroup, limit: 1 }), { abortSignal }).then(
        () => undefined,
        (err: unknown) => healthProblem(err),
      ),
  });
  const client = new CloudWatchLogsClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    maxAttempts: 1,
    requestHandler: new PooledNodeHttpHandler(pooled),
  });
  return client;
}
