// The WebRTC transport end to end in Firefox ESR and WebKit (tests/e2e-engines/*.engine.ts): their
// own Vitest config, so CI can run them as a separate stage beside the Chromium e2e project.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/e2e-engines/**/*.engine.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
