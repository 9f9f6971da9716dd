import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/sinks',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
});
