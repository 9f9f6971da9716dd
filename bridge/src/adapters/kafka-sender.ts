import { classifyKafkaError } from '@fleet/runtime';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { OutRecord } from './kafka-records';

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
