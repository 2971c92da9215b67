import { sealKey } from '../config/secrets.js';
import { registerSecret } from '../observability/logs/redact.js';

/**
 * The SEAL_KEY secret of this function (config/secrets.ts), registered with
 * the log redaction, or null when it is not mounted: seals only save reads,
 * so a function without the key neither hands out seals nor opens them and
 * every call takes its read path. Read from the environment, not `.value()`,
 * which logs a warning when the secret is not mounted.
 */
export function sealKeyValue(env: Record<string, string | undefined> = process.env): string | null {
  const key = (env[sealKey.name] ?? '').trim();
  if (key === '') return null;
  registerSecret(key);
  return key;
}
