import { describe, expect, it } from 'vitest';
import {
  InvalidParameterException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsCredentialsError } from '../aws/awsCredentials.js';
import {
  FailureKinds,
  ShipErrorCodes,
  classifyFailure,
  errorDetail,
  healthProblem,
  toShipError,
} from './cloudwatchErrors.js';

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
    expect(throttled.code).toBe(ShipErrorCodes.throttled);
    expect(throttled.message).toContain('stay buffered');
    expect(throttled.at).toBe(5);
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

describe('healthProblem', () => {
  it('names the problem in words with the error name, status or network code', () => {
    const denied = healthProblem({
      name: 'AccessDeniedException',
      message: 'User arn:aws:iam::1:user/x is not authorized',
      ...meta(400),
    });
    expect(denied).toBe(
      'CloudWatch Logs refused the credentials or permissions (AccessDeniedException); check the AWS credentials and the logs:DescribeLogGroups right',
    );
    expect(healthProblem(new InvalidParameterException({ message: 'bad', ...meta(400) }))).toBe(
      'CloudWatch Logs refused the health query (InvalidParameterException, HTTP 400)',
    );
    expect(healthProblem(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(
      'the health call to CloudWatch Logs was cancelled',
    );
    expect(healthProblem({ name: 'Weird', ...meta(502) })).toBe('CloudWatch Logs answered HTTP 502 (Weird)');
    expect(healthProblem(undefined)).toBe('CloudWatch Logs could not be reached (Error)');
  });

  it('never repeats a message, and drops names and codes that are not plain identifiers', () => {
    const secret = 'https://user:sk_live_abcdef@logs.example.com/?X-Amz-Signature=00ff';
    const err = Object.assign(new Error(`connect ECONNREFUSED ${secret}`), { code: `E ${secret}` });
    const words = healthProblem(err);
    expect(words).toBe('CloudWatch Logs could not be reached (Error)');
    expect(healthProblem({ name: secret, ...meta(503) })).toBe('CloudWatch Logs answered HTTP 503 (Error)');
  });
});

describe('credential failures', () => {
  const err = new AwsCredentialsError(
    'unavailable',
    'could not get AWS credentials: STS unavailable (ServiceUnavailable, HTTP 503)',
  );

  it('are their own kind, with their own code and our words (events kept)', () => {
    expect(classifyFailure(err)).toBe(FailureKinds.credentials);
    expect(toShipError(FailureKinds.credentials, err, 5)).toEqual({
      code: ShipErrorCodes.credentials,
      message:
        'could not get AWS credentials: STS unavailable (ServiceUnavailable, HTTP 503); the events stay buffered and the next flush retries them.',
      at: 5,
    });
    expect(healthProblem(err)).toBe('could not get AWS credentials: STS unavailable (ServiceUnavailable, HTTP 503)');
  });

  it('an incomplete signature is a credentials problem of CloudWatch, not a bad batch', () => {
    expect(classifyFailure({ name: 'IncompleteSignatureException', ...meta(400) })).toBe(FailureKinds.config);
  });
});
