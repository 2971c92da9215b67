import { defineConfig } from 'vitest/config';
import viteConfig from './vite.config.mts';

// The SPA's unit tests: the app's own Vite config (its plugins), in jsdom.
export default defineConfig({
  ...viteConfig,
  test: {
    name: 'web',
    include: ['src/**/*.test.ts'],
    environment: 'jsdom',
  },
});
