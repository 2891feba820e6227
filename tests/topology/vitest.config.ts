// The topology suites (nginx + two gateway nodes + Redis + Chromium, and the production tree):
// their own Vitest config, so CI can run them as a separate stage.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/topology/**/*.topology.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
