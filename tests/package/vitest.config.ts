// The pack-install-serve suite runs on its own (`node tests/run.mjs package`): it needs the build
// and the npm registry, and takes a minute or more for `npm install`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    name: 'package',
    include: ['tests/package/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
