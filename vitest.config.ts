import { defineConfig } from 'vitest/config';

// One run over every workspace; each workspace's own vitest.config.ts says whether it needs the
// local infrastructure (its globalSetup starts what is not running and stops what it started).
export default defineConfig({
  test: {
    projects: ['packages/*', 'infra', 'bridge', 'stream-processors', 'sinks', 'alerts', 'device-simulator', 'e2e'],
    reporters: ['default', './packages/testkit/src/summary-reporter.ts'],
    // Two cores: the real servers need one of them.
    maxWorkers: 2,
  },
});
