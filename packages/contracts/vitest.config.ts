import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@fleet/contracts', include: ['test/**/*.test.ts'] },
});
