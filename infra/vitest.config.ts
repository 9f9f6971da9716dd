import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/infra',
    include: ['test/**/*.test.ts'],
    // Starts what is not running (first run: fetch/build, a few minutes), stops what it started.
    globalSetup: ['@fleet/testkit/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
