import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/runtime',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@fleet/testkit/global-setup'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
