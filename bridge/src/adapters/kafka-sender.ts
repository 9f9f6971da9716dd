import { AppError, errorMessage } from '@fleet/runtime';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { OutRecord } from './kafka-records';

/**
 * kafkajs marks "retries exhausted" (KafkaJSNumberOfRetriesExceeded) and a dropped connection
 * after it as non-retriable, but a broker being down is the textbook transient failure. Only a
 * protocol error the broker says is permanent (e.g. MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED)
 * counts as permanent here.
 */
export function isPermanentKafkaError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { name?: string; retriable?: boolean; type?: string; cause?: unknown; originalError?: unknown };
    if (e.name === 'KafkaJSProtocolError') return e.retriable === false;
    current = e.originalError ?? e.cause;
  }
  return false;
}

export function classifyKafkaError(error: unknown): AppError {
  const permanent = isPermanentKafkaError(error);
  return new AppError(permanent ? 'KAFKA_REJECTED' : 'KAFKA_UNAVAILABLE', `produce failed: ${errorMessage(error)}`, {
    retriable: !permanent,
    cause: error,
  });
}

/** Writes a batch of records with one produce request (acks=all), grouped by topic in order. */
export function createKafkaSender(producer: Producer): (records: OutRecord[]) => Promise<void> {
  return async (records) => {
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push(
        record.headers === undefined
          ? { key: record.key, value: record.value }
          : { key: record.key, value: record.value, headers: record.headers },
      );
    }
    const topicMessages: TopicMessages[] = [];
    for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
    try {
      await producer.sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      throw classifyKafkaError(error);
    }
  };
}
