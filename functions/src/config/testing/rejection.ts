/** The configuration tests' way to see what parseConfig refuses. */
import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../index.js';

/** The ConfigError parseConfig throws for `env`, or a failure (naming the variables, not their values) when it parses. */
export function rejection(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`parseConfig accepted a configuration of ${Object.keys(env).join(', ') || 'nothing'}`);
}
