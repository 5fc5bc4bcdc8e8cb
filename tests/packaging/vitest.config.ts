import { defineConfig } from 'vitest/config';

// One pack + npm install for all test files (global setup); the tests then run plain `node` in that project.
export default defineConfig({
  test: { globalSetup: ['./src/global-setup.ts'], testTimeout: 240_000, hookTimeout: 600_000 },
});
