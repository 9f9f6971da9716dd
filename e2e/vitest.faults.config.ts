import { defineConfig } from 'vitest/config';

/**
 * Fault-injection suite (issue 8): whole-pipeline tests that kill or break a server or a service
 * and check that nothing acknowledged is lost and no alert is duplicated. `npm test` runs it after
 * the main suite (alone: `npm run test:faults`): the files run one after the other, each starting its own pipeline
 * (and private servers for the ones it kills), beside the shared servers.
 */
export default defineConfig({
  test: {
    name: '@fleet/e2e-faults',
    root: import.meta.dirname,
    include: ['faults/**/*.test.ts'],
    reporters: ['default', '../packages/testkit/src/summary-reporter.ts'],
    globalSetup: ['@fleet/testkit/global-setup'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
