import { defineSecret } from 'firebase-functions/params';

/**
 * The payment provider's API key. A Secret Manager secret in production
 * (`firebase functions:secrets:set PAYMENT_API_KEY`); in the emulator it is read
 * from `functions/.secret.local`, which the start and test scripts create.
 * Read it with `.value()` inside a call, never at module load.
 */
export const paymentApiKey = defineSecret('PAYMENT_API_KEY');
