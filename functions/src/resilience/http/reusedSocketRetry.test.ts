import { describe, expect, it } from 'vitest';
import { repeatableOnReset } from './reusedSocketRetry.js';

describe('repeatableOnReset', () => {
  it('repeats only the idempotent methods, whatever their case; no method is a GET', () => {
    for (const m of ['GET', 'get', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'delete', undefined]) {
      expect(repeatableOnReset(m)).toBe(true);
    }
    for (const m of ['POST', 'post', 'PATCH', 'CONNECT', '']) expect(repeatableOnReset(m)).toBe(false);
  });
});
