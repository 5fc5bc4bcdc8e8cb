import { defineConfig } from 'vitest/config';

// CI runs every package's tests at once on 2 cores: vitest's 5 s default is too tight for the slowest tests.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
