import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/stream-processors',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@fleet/testkit/global-setup'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
