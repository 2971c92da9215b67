import { randomUUID } from 'node:crypto';

/**
 * Identity of this Cloud Functions instance (one per process, random), shared
 * by the logger, the CloudWatch stream name and anything that must tell
 * instances apart in aggregated logs.
 */
export const instanceId: string = randomUUID();

/** Name of the running function: FUNCTION_TARGET (gen 2), else K_SERVICE, else 'local'. */
export function functionName(env: NodeJS.ProcessEnv = process.env): string {
  return env.FUNCTION_TARGET || env.K_SERVICE || 'local';
}
