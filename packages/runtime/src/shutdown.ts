import type { Logger } from 'pino';

type Step = { name: string; run: () => Promise<void> | void };

export interface Shutdown {
  /** Registers a step; steps run in reverse order of registration (last started, first stopped). */
  add(name: string, run: Step['run']): void;
  /** Runs every step once, each bounded by the timeout; later calls wait for the first. */
  run(reason: string): Promise<void>;
  /** Calls run() on SIGINT/SIGTERM, then exits the process. Only main.ts should call this. */
  handleSignals(exit?: (code: number) => void): void;
}

export function createShutdown(log: Logger, stepTimeoutMs = 15_000): Shutdown {
  const steps: Step[] = [];
  let running: Promise<void> | undefined;

  async function runStep(step: Step): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn({ step: step.name, timeoutMs: stepTimeoutMs }, 'shutdown step timed out');
        resolve();
      }, stepTimeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(step.run), timeout]);
    } catch (error) {
      log.error({ err: error, step: step.name }, 'shutdown step failed');
    } finally {
      clearTimeout(timer);
    }
  }

  const shutdown: Shutdown = {
    add(name, run) {
      steps.push({ name, run });
    },
    run(reason) {
      running ??= (async () => {
        log.info({ reason }, 'shutting down');
        for (const step of [...steps].reverse()) await runStep(step);
        log.info('shutdown complete');
      })();
      return running;
    },
    handleSignals(exit = (code) => process.exit(code)) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          void shutdown.run(signal).then(() => exit(0));
        });
      }
    },
  };
  return shutdown;
}
