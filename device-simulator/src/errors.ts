/**
 * An error with a stable code and a retriable flag (the project's convention): the CLI prints the
 * message of a non-retriable one as is, without a stack trace.
 */
export class SimulatorError extends Error {
  constructor(
    readonly code: 'CONFIG_INVALID' | 'SCENARIO_INVALID' | 'SCENARIO_UNREADABLE',
    message: string,
    readonly retriable = false,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** `vehicles[0].readings[3].speedKph` from a zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}
