import { describe, expect, it } from 'vitest';
import { endpointName } from '../../resilience/http/index.js';
import { parseRef, pinnedEndpoint, pinnedRef } from './endpointRef.js';

describe('endpointRef', () => {
  it.each([
    ['https://pay-a.example.com', 'pay-a.example.com'],
    ['http://127.0.0.1:8710/', '127.0.0.1:8710'],
    ['https://[::1]:8443/v1/', '[::1]:8443/v1'],
    ['https://gw.example.com/provider/b', 'gw.example.com/provider/b'],
  ])('pins to %s by its name %s and reads the pin back, shared or not', (url, name) => {
    expect(endpointName(url)).toBe(name);
    for (const shared of [false, true]) {
      const ref = pinnedRef('txn_1-a', endpointName(url), shared);
      expect(parseRef(ref)).toEqual({ transactionId: 'txn_1-a', endpoint: name, shared });
      expect(pinnedEndpoint(ref)).toBe(name);
    }
  });

  it('names an endpoint the same whatever its scheme, default port or trailing slash', () => {
    expect(endpointName('https://pay.example.com:443/v1/')).toBe(endpointName('http://pay.example.com/v1'));
    expect(endpointName('https://pay.example.com:8443')).not.toBe(endpointName('https://pay.example.com'));
  });

  it('reads a bare transactionId (a record of an older version) as unpinned', () => {
    expect(parseRef('txn_1')).toEqual({ transactionId: 'txn_1', endpoint: null, shared: false });
    expect(pinnedEndpoint('txn_1')).toBeNull();
  });

  it('marks a shared pin by a suffix no endpoint name can end with', () => {
    expect(pinnedRef('t', 'h:1/p', true)).toBe('t@h:1/p#shared');
    expect(pinnedRef('t', 'h:1/p')).toBe('t@h:1/p');
    // '#' in a path is percent-encoded, so a name never ends with the mark.
    expect(endpointName('https://h.example/a%23shared')).toBe('h.example/a%23shared');
    expect(parseRef(pinnedRef('t', 'h.example/a%23shared')).shared).toBe(false);
  });
});
