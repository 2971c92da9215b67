import { describe, expect, it } from 'vitest';
import { parseRef, pinnedEndpoint, pinnedRef } from './endpointRef.js';

describe('endpoint references', () => {
  it('pins a transactionId to an endpoint and splits it back', () => {
    const ref = pinnedRef('tx_1', 'pay-b.example.com:8443/v1');
    expect(ref).toBe('tx_1@pay-b.example.com:8443/v1');
    expect(parseRef(ref)).toEqual({ transactionId: 'tx_1', endpoint: 'pay-b.example.com:8443/v1' });
    expect(pinnedEndpoint(ref)).toBe('pay-b.example.com:8443/v1');
  });

  it('reads a bare transactionId as not pinned', () => {
    expect(parseRef('tx_2')).toEqual({ transactionId: 'tx_2', endpoint: null });
    expect(pinnedEndpoint('tx_2')).toBeNull();
  });
});
