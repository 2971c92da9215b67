/**
 * Which secrets the functions define and declare, decided from the deploy's
 * environment at module load: the AWS key secrets only when CloudWatch
 * shipping is configured without AWS_ROLE_ARN.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usesAwsKeySecrets } from './secrets.js';

const SHIPPING = { CLOUDWATCH_LOG_GROUP: '/payments', AWS_REGION: 'eu-west-1' };
const ROLE = 'arn:aws:iam::123456789012:role/payments-cloudwatch';

/** secrets.ts loaded afresh under `env` (its decisions are made at load). */
async function loadWith(env: Record<string, string>) {
  vi.resetModules();
  for (const name of ['CLOUDWATCH_LOG_GROUP', 'AWS_REGION', 'AWS_ROLE_ARN']) vi.stubEnv(name, env[name] ?? '');
  return import('./secrets.js');
}
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('usesAwsKeySecrets', () => {
  it('is true only with a log group and a region, and no role', () => {
    expect(usesAwsKeySecrets(SHIPPING)).toBe(true);
    expect(usesAwsKeySecrets({ ...SHIPPING, AWS_ROLE_ARN: ROLE })).toBe(false);
    expect(usesAwsKeySecrets({ AWS_REGION: 'eu-west-1' })).toBe(false);
    expect(usesAwsKeySecrets({ CLOUDWATCH_LOG_GROUP: '/payments' })).toBe(false);
    expect(usesAwsKeySecrets({ ...SHIPPING, CLOUDWATCH_LOG_GROUP: '  ' })).toBe(false);
    expect(usesAwsKeySecrets({ ...SHIPPING, AWS_ROLE_ARN: '' })).toBe(true);
  });
});

describe('providerFunctionSecrets and logShippingSecrets', () => {
  it('is PAYMENT_API_KEY alone without CloudWatch, and the AWS key secrets are not even defined', async () => {
    const s = await loadWith({});
    expect(s.providerFunctionSecrets.map((p) => p.name)).toEqual(['PAYMENT_API_KEY']);
    expect(s.logShippingSecrets).toEqual([]);
    expect(s.awsKeySecrets).toBeNull();
  });

  it('adds AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when shipping uses keys', async () => {
    const s = await loadWith(SHIPPING);
    expect(s.providerFunctionSecrets.map((p) => p.name)).toEqual([
      'PAYMENT_API_KEY',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect(s.logShippingSecrets.map((p) => p.name)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFROMSECRET');
    expect(s.awsKeySecrets!.accessKeyId.value()).toBe('AKIAFROMSECRET');
  });

  it('functionSecrets adds PAYMENT_API_KEY and SEAL_KEY only when asked, before the log shipping secrets', async () => {
    const s = await loadWith(SHIPPING);
    const names = (needs: { provider?: boolean; seal?: boolean }) => s.functionSecrets(needs).map((p) => p.name);
    expect(names({})).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(names({ seal: true })).toEqual(['SEAL_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(names({ provider: true, seal: true })).toEqual([
      'PAYMENT_API_KEY',
      'SEAL_KEY',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ]);
    expect((await loadWith({})).functionSecrets({ provider: true }).map((p) => p.name)).toEqual(['PAYMENT_API_KEY']);
  });

  it('needs no AWS secret with AWS_ROLE_ARN (keyless)', async () => {
    const s = await loadWith({ ...SHIPPING, AWS_ROLE_ARN: ROLE });
    expect(s.providerFunctionSecrets.map((p) => p.name)).toEqual(['PAYMENT_API_KEY']);
    expect(s.logShippingSecrets).toEqual([]);
    expect(s.awsKeySecrets).toBeNull();
  });
});
