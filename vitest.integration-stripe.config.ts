import { defineConfig } from 'vitest/config';

// The payment tests in Stripe mode (PAYMENT_PROVIDER=stripe, the Stripe fake as
// the provider): run inside their own `firebase emulators:exec` by scripts/test.mjs.
export default defineConfig({
  test: {
    name: 'integration-stripe',
    include: ['tests/integration-stripe/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/integration/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
