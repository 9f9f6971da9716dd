import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@fleet/infra',
    include: ['test/**/*.test.ts'],
    // Starts what is not running, InfluxDB 2 included (first run: fetch/build, a few minutes; the
    // InfluxDB 2 build about 5), stops what it started.
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
