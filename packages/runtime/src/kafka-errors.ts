import { AppError, errorMessage } from './app-error';

/**
 * kafkajs marks "retries exhausted" (KafkaJSNumberOfRetriesExceeded) and a dropped connection
 * after it as non-retriable, but a broker being down is the textbook transient failure. Only a
 * protocol error the broker says is permanent (e.g. MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED)
 * counts as permanent here.
 */
export function isPermanentKafkaError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { name?: string; retriable?: boolean; cause?: unknown; originalError?: unknown };
    if (e.name === 'KafkaJSProtocolError') return e.retriable === false;
    current = e.originalError ?? e.cause;
  }
  return false;
}

/** Wraps a kafkajs produce failure in an AppError whose retriable flag retryTransient can trust. */
export function classifyKafkaError(error: unknown): AppError {
  const permanent = isPermanentKafkaError(error);
  return new AppError(permanent ? 'KAFKA_REJECTED' : 'KAFKA_UNAVAILABLE', `produce failed: ${errorMessage(error)}`, {
    retriable: !permanent,
    cause: error,
  });
}
