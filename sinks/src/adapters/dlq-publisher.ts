import { DLQ_HEADERS } from '@fleet/contracts';
import { classifyKafkaError, DEFAULT_MAX_REQUEST_BYTES, retryTransient, splitIntoRequests } from '@fleet/runtime';
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';

/** Why the sink dead-lettered a record (header `x-reason-code` on the sink DLQ topics). */
export const SINK_DLQ_REASONS = {
  /** Not Confluent Avro, unknown schema id, or a body that does not decode. */
  undecodable: 'UNDECODABLE',
  /** A NaN or ±Infinity that InfluxDB cannot store. */
  nonFinite: 'NON_FINITE',
  /** A value the line protocol cannot carry (empty tag, non-integer time). */
  invalid: 'INVALID',
  /** InfluxDB refused the point itself (400: field type conflict, unparsable line; 413). */
  influxRejected: 'INFLUX_REJECTED',
} as const;
export type SinkDlqReason = (typeof SINK_DLQ_REASONS)[keyof typeof SINK_DLQ_REASONS];

export interface DeadLetter {
  message: KafkaMessage;
  reason: SinkDlqReason;
  error: string;
}

export interface DlqPublisher {
  /** Sends the original key, value and headers plus the reason headers; resolves once Kafka acked. */
  publish(source: { topic: string; partition: number }, letters: readonly DeadLetter[], retry: RetryHooks): Promise<void>;
}

export interface RetryHooks {
  heartbeat: () => Promise<void>;
  isActive: () => boolean;
}

const MAX_ERROR_CHARS = 2000;

export function deadLetterHeaders(source: { topic: string; partition: number }, letter: DeadLetter): IHeaders {
  return {
    ...letter.message.headers,
    [DLQ_HEADERS.reason]: letter.reason,
    [DLQ_HEADERS.error]: letter.error.slice(0, MAX_ERROR_CHARS),
    [DLQ_HEADERS.sourceTopic]: source.topic,
    [DLQ_HEADERS.sourcePartition]: String(source.partition),
    [DLQ_HEADERS.sourceOffset]: letter.message.offset,
  };
}

export function createDlqPublisher(producer: Producer, dlqTopic: string): DlqPublisher {
  return {
    async publish(source, letters, retry) {
      if (letters.length === 0) return;
      const messages = letters.map((letter) => ({
        key: letter.message.key,
        value: letter.message.value,
        headers: deadLetterHeaders(source, letter),
      }));
      // Many rejected lines at once must not make one request larger than the broker accepts.
      for (const topicMessages of splitIntoRequests([{ topic: dlqTopic, messages }], DEFAULT_MAX_REQUEST_BYTES)) {
        await retryTransient(
          () =>
            producer.sendBatch({ topicMessages, acks: -1 }).catch((error: unknown) => {
              throw classifyKafkaError(error);
            }),
          { shouldContinue: retry.isActive, whileWaiting: retry.heartbeat },
        );
      }
    },
  };
}
