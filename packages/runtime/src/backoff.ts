import { isRetriable } from './app-error';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000 };

/** Exponential backoff with full jitter; `random` is injectable so tests are deterministic. */
export function backoffDelay(attempt: number, options = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryOptions {
  backoff?: BackoffOptions;
  /** Asked before each retry; false stops retrying (e.g. the partition was revoked, shutdown began). */
  shouldContinue?: () => boolean;
  /** Called while waiting (e.g. a consumer heartbeat) so long outages do not cost the group membership. */
  whileWaiting?: () => Promise<void>;
  /** Called on each transient failure with the wait chosen (and e.g. a server's Retry-After). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** A server-requested wait overrides the backoff when present. */
  retryAfterMs?: (error: unknown) => number | undefined;
  sleep?: (ms: number) => Promise<void>;
}

export class RetryAbortedError extends Error {
  readonly retriable = true;
  constructor(cause: unknown) {
    super('retry aborted before the operation succeeded', { cause });
    this.name = 'RetryAbortedError';
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs an operation until it succeeds, retrying transient failures (retriable flag) with backoff
 * and rethrowing permanent ones at once. Never gives up on a transient failure on its own: at-least-once
 * delivery means waiting for the dependency, not dropping the record.
 */
export async function retryTransient<T>(operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error)) throw error;
      if (options.shouldContinue && !options.shouldContinue()) throw new RetryAbortedError(error);
      const delayMs = options.retryAfterMs?.(error) ?? backoffDelay(attempt, options.backoff);
      options.onRetry?.(error, attempt, delayMs);
      // Waits in slices of at most 1 s so heartbeats continue and a revocation is noticed early.
      for (let waited = 0; waited < delayMs; ) {
        const slice = Math.min(1000, delayMs - waited);
        await sleep(slice);
        waited += slice;
        await options.whileWaiting?.();
        if (options.shouldContinue && !options.shouldContinue()) throw new RetryAbortedError(error);
      }
    }
  }
}
