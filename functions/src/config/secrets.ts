import { defineSecret } from 'firebase-functions/params';

type SecretParam = ReturnType<typeof defineSecret>;

/**
 * The payment provider's API key. A Secret Manager secret in production
 * (`firebase functions:secrets:set PAYMENT_API_KEY`); in the emulator it is read
 * from `functions/.secret.local`, which the start and test scripts create.
 * Read it with `.value()` inside a call, never at module load.
 */
export const paymentApiKey = defineSecret('PAYMENT_API_KEY');

/**
 * The key of sealed reads (access/sealedReads.ts): the cipher key that seals
 * documents handed to callers is derived from it. A Secret Manager secret in
 * production (`firebase functions:secrets:set SEAL_KEY`, any long random
 * string); in the emulator a development value in `functions/.secret.local`.
 * Mounted only by the functions that seal or open seals (CallableNeeds.seal).
 * Changing it only makes outstanding seals unopenable: calls then read as
 * they would without one.
 */
export const sealKey = defineSecret('SEAL_KEY');

/**
 * True when the CloudWatch shipper signs with an AWS access key: shipping is
 * configured (CLOUDWATCH_LOG_GROUP and AWS_REGION set) and no AWS_ROLE_ARN
 * asks for keyless credentials instead. Empty values count as unset, as in
 * config.ts.
 */
export function usesAwsKeySecrets(env: Record<string, string | undefined> = process.env): boolean {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  return set('CLOUDWATCH_LOG_GROUP') && set('AWS_REGION') && !set('AWS_ROLE_ARN');
}

/**
 * The AWS access key of the CloudWatch shipper as Secret Manager secrets
 * (`firebase functions:secrets:set AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`;
 * `functions/.secret.local` in the emulator), or null when they are not needed.
 *
 * Defined only when needed, at module load from the deploy's environment:
 * every defineSecret() is a parameter that `firebase deploy` insists on
 * (it asks for the value, or fails when non-interactive), whether or not a
 * function uses it, so a deploy without CloudWatch, or with AWS_ROLE_ARN,
 * must not define them at all. Read the values inside a call, never at load.
 */
export const awsKeySecrets: { accessKeyId: SecretParam; secretAccessKey: SecretParam } | null = usesAwsKeySecrets()
  ? { accessKeyId: defineSecret('AWS_ACCESS_KEY_ID'), secretAccessKey: defineSecret('AWS_SECRET_ACCESS_KEY') }
  : null;

/**
 * The AWS key secrets as a list, empty when {@link awsKeySecrets} are not
 * defined. Every deployed function mounts them: each one ships its logs to
 * CloudWatch (the runtime's log shipper, flushed at the end of every call by
 * app/housekeeping.ts), and the shipper reads the key inside that flush.
 */
export const logShippingSecrets: SecretParam[] = awsKeySecrets
  ? [awsKeySecrets.accessKeyId, awsKeySecrets.secretAccessKey]
  : [];

/**
 * The secrets of a function that calls the payment provider (charges,
 * lookups, the provider's health check): PAYMENT_API_KEY and the log
 * shipping secrets. Functions that never call the provider declare
 * {@link logShippingSecrets} only, so the platform does not mount the
 * provider key into them (it mounts declared secrets only; the emulator
 * mounts every secret of `functions/.secret.local` into every function).
 */
export const providerFunctionSecrets: SecretParam[] = [paymentApiKey, ...logShippingSecrets];

/**
 * The secrets a function declares: PAYMENT_API_KEY when it calls the provider,
 * SEAL_KEY when it seals or opens sealed reads, and the log shipping secrets.
 */
export function functionSecrets(needs: { provider?: boolean; seal?: boolean }): SecretParam[] {
  return [...(needs.provider ? [paymentApiKey] : []), ...(needs.seal ? [sealKey] : []), ...logShippingSecrets];
}
