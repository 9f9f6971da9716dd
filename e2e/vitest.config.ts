import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/e2e',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@fleet/testkit/global-setup'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
