import { describe, expect, it } from 'vitest';
import {
  InvalidParameterException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { FailureKinds, ShipErrorCodes, classifyFailure, errorDetail, toShipError } from './cloudwatchErrors.js';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('classifyFailure', () => {
  it('classifies the SDK exceptions the shipper reacts to', () => {
    expect(classifyFailure(new ResourceNotFoundException({ message: 'x', ...meta(400) }))).toBe(FailureKinds.notFound);
    expect(classifyFailure(new ThrottlingException({ message: 'x', ...meta(400) }))).toBe(FailureKinds.transient);
    expect(classifyFailure(new ServiceUnavailableException({ message: 'x', ...meta(500) }))).toBe(
      FailureKinds.transient,
    );
    expect(classifyFailure(new InvalidParameterException({ message: 'x', ...meta(400) }))).toBe(FailureKinds.data);
  });

  it('classifies by name, fault and status for errors it does not know', () => {
    expect(classifyFailure({ name: 'DataAlreadyAcceptedException' })).toBe(FailureKinds.accepted);
    expect(classifyFailure({ name: 'AccessDeniedException', ...meta(400) })).toBe(FailureKinds.config);
    expect(classifyFailure({ name: 'CredentialsProviderError' })).toBe(FailureKinds.config);
    expect(classifyFailure({ name: 'SomethingNew', $fault: 'server' })).toBe(FailureKinds.transient);
    expect(classifyFailure({ name: 'Weird', ...meta(502) })).toBe(FailureKinds.transient);
    expect(classifyFailure({ name: 'SerializationException', ...meta(400) })).toBe(FailureKinds.data);
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      FailureKinds.transient,
    );
    expect(classifyFailure(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(FailureKinds.aborted);
    expect(classifyFailure(undefined)).toBe(FailureKinds.transient);
  });
});

describe('toShipError', () => {
  it('gives stable codes and person-readable messages', () => {
    const throttled = toShipError(
      FailureKinds.transient,
      new ThrottlingException({ message: 'Rate exceeded', ...meta(400) }),
      5,
    );
    expect(throttled).toEqual({
      code: ShipErrorCodes.throttled,
      message: expect.stringContaining('stay buffered'),
      at: 5,
    });
    expect(toShipError(FailureKinds.transient, { name: 'X', ...meta(503) }, 1).code).toBe(ShipErrorCodes.unavailable);
    expect(toShipError(FailureKinds.transient, new Error('socket hang up'), 1).code).toBe(ShipErrorCodes.network);
    expect(toShipError('budget', new Error('aborted'), 1).code).toBe(ShipErrorCodes.budgetExceeded);
    expect(
      toShipError(FailureKinds.data, new InvalidParameterException({ message: 'bad', ...meta(400) }), 1).message,
    ).toContain('dropped');
  });

  it('never carries a secret from the underlying error message', () => {
    const err = new Error('failed with Authorization: Bearer sk_live_abcdef and card 4111111111111111');
    const detail = errorDetail(err);
    expect(detail).not.toContain('sk_live_abcdef');
    expect(detail).not.toContain('4111111111111111');
    expect(errorDetail({ name: 'X', message: 'y'.repeat(1000) }).length).toBeLessThanOrEqual(300);
  });
});
