/**
 * An error with a stable code and a retriable flag. Callers decide retry vs dead-letter by the
 * flag, never by the message text.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retriable = options.retriable;
  }
}

/** True when an error says it is transient. Unknown errors are treated as transient: better a retry than a lost record. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof AppError) return error.retriable;
  if (typeof error === 'object' && error !== null && 'retriable' in error) {
    return Boolean((error as { retriable: unknown }).retriable);
  }
  return true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
