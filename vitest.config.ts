import { defineConfig } from 'vitest/config';

// expect.poll waits for an effect (a slot released, a row written) that on a 2-core CI machine,
// with other stages running beside, can take longer than Vitest's default of one second. Only a
// failing poll waits the whole time.
const expect = { poll: { timeout: 5_000, interval: 50 } };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/browser/**', 'tests/e2e/**', 'tests/hardening/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
          expect,
        },
      },
      {
        // Soak, leaks, flooding and fuzzing against a live gateway: they measure pacing and memory,
        // so tests/run.mjs runs them alone.
        test: {
          name: 'hardening',
          include: ['tests/hardening/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
          expect,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          expect,
          fileParallelism: false,
        },
      },
    ],
  },
});
