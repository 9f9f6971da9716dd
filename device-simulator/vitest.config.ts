import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@fleet/device-simulator', include: ['test/**/*.test.ts'] },
});
