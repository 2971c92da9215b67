import { defineConfig } from 'vitest/config';

// Unit tests of every workspace; the emulator suites have their own configs.
export default defineConfig({
  test: {
    projects: [
      'functions/vitest.config.mts',
      'web/vitest.config.ts',
      {
        test: {
          name: 'devtools',
          include: ['devtools/**/*.test.ts', 'scripts/**/*.test.mjs', 'bench/**/*.test.mjs', 'tests/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
});
