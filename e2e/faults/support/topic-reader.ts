import { randomBytes } from 'node:crypto';
import { createKafka, silentLogger } from '@fleet/runtime';
import type { Consumer, IHeaders } from 'kafkajs';

export interface TopicRecord {
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  partition: number;
  offset: string;
}

/** Every record of a topic from the beginning, kept up to date by a consumer of its own group. */
export interface TopicReader {
  records: TopicRecord[];
  close(): Promise<void>;
}

export async function readTopic(brokers: string[], topic: string): Promise<TopicReader> {
  const kafka = createKafka({ brokers, clientId: 'faults-observer', log: silentLogger() });
  const consumer: Consumer = kafka.consumer({ groupId: `faults-observer-${randomBytes(6).toString('hex')}` });
  const records: TopicRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: message.headers ?? {},
        partition,
        offset: message.offset,
      });
    },
  });
  return { records, close: () => consumer.disconnect() };
}
