/**
 * Undo steps registered as a test starts things (processes, servers, data dirs), run in reverse
 * order from afterAll/afterEach, also after a failure. One failing step does not skip the others.
 */
export interface Cleanup {
  add(label: string, step: () => Promise<unknown> | unknown): void;
  run(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const steps: { label: string; step: () => Promise<unknown> | unknown }[] = [];
  return {
    add(label, step) {
      steps.push({ label, step });
    },
    async run() {
      const failures: string[] = [];
      for (const { label, step } of steps.splice(0).reverse()) {
        try {
          await step();
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message}`);
        }
      }
      if (failures.length > 0) throw new Error(`cleanup failed:\n${failures.join('\n')}`);
    },
  };
}
