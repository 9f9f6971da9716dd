import { AppError } from './app-error';

/**
 * Runs a service's start-up and turns a failure into one readable line and exit code 1 (a bad
 * configuration prints what to fix, not a stack trace).
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof AppError && !error.retriable) {
      console.error(`${error.message}\n[${error.code}]`);
    } else {
      console.error(`${service} failed to start:`, error);
    }
    process.exit(1);
  });
}
