import { defineProject } from 'vitest/config';

// The testkit's own tests are unit tests: no infrastructure needed.
export default defineProject({
  test: {
    name: '@fleet/testkit',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
