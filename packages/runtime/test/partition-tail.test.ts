import { getInfra, uniqueName } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { createKafka, createProducer, ensureTopics } from '../src/kafka';
import { silentLogger } from '../src/logger';
import { readPartitionTail } from '../src/partition-tail';

describe('readPartitionTail against real Kafka', () => {
  it('reads one partition from an offset to its end, and nothing when it is already at the end', async () => {
    const kafka = createKafka({ brokers: getInfra().kafkaBrokers, clientId: 'runtime-test', log: silentLogger() });
    const topic = uniqueName('tail');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 2 }]);
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    const values = (partition: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ value: `p${partition}-${index}`, partition }));
    await producer.send({ topic, acks: -1, messages: [...values(0, 10), ...values(1, 5)] });
    await producer.disconnect();

    const read = (partition: number, fromOffset: bigint) =>
      readPartitionTail({ kafka, topic, partition, fromOffset, groupIdPrefix: 'runtime-test' }).then((messages) =>
        messages.map((message) => message.value?.toString()),
      );

    expect(await read(0, 7n)).toEqual(['p0-7', 'p0-8', 'p0-9']);
    expect(await read(1, 0n)).toEqual(['p1-0', 'p1-1', 'p1-2', 'p1-3', 'p1-4']);
    expect(await read(0, 10n)).toEqual([]);
    expect(await read(0, 99n)).toEqual([]);
    await expect(read(5, 0n)).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION', retriable: false });
  });
});
