import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to stdout; one logger per service, children per component. */
export function createLogger(options: { service: string; level?: string }): Logger {
  return pino({ name: options.service, level: options.level ?? 'info', base: { service: options.service } });
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
