import { classifyKafkaError, retryTransient } from '@fleet/runtime';
import type { Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';

/** Whose partition a send serves: retries stop when it is revoked, and keep the membership alive meanwhile. */
export interface SendContext {
  partition: number;
  isActive: () => boolean;
  heartbeat: () => Promise<void>;
}

export type AckedSender = (topicMessages: TopicMessages[], context: SendContext) => Promise<RecordMetadata[]>;

/**
 * One produce request acknowledged by all in-sync replicas. A broker that is down is transient: the
 * request is retried whole (the idempotent producer keeps a retry from writing twice) while the
 * partition is still ours.
 */
export function createAckedSender(producer: Producer, log: Logger): AckedSender {
  return (topicMessages, context) =>
    retryTransient(
      () =>
        producer.sendBatch({ topicMessages, acks: -1 }).catch((error: unknown) => {
          throw classifyKafkaError(error);
        }),
      {
        shouldContinue: context.isActive,
        whileWaiting: context.heartbeat,
        onRetry: (error, attempt, delayMs) =>
          log.warn({ err: error, attempt, delayMs, partition: context.partition }, 'transient failure; retrying'),
      },
    );
}
