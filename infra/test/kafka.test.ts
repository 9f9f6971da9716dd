import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('kafka (kafkajs 2.2.4 against the local broker)', () => {
  const { kafkaBrokers } = getInfra();
  const kafka = new Kafka({ clientId: 'infra-smoke', brokers: kafkaBrokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const topic = uniqueName('infra-smoke');
  const groupId = uniqueName('infra-smoke-group');
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    await admin.connect();
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('produces, consumes in a consumer group and commits offsets', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 6 }, (_, i) => ({ key: `vehicle-${i % 3}`, value: JSON.stringify({ seq: i }) }));
    const metadata = await producer.send({ topic, messages: sent, acks: -1 });
    await producer.disconnect();
    expect(metadata.every((record) => record.errorCode === 0)).toBe(true);

    const received: { partition: number; offset: string; key: string; value: string }[] = [];
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
        });
      },
    });
    await waitFor(() => received.length >= sent.length, { timeoutMs: 30_000, message: 'all messages consumed' });

    expect(received.map((m) => JSON.parse(m.value).seq).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // Same key, same partition, in order.
    for (const key of ['vehicle-0', 'vehicle-1', 'vehicle-2']) {
      const ofKey = received.filter((m) => m.key === key);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
      expect(ofKey.map((m) => JSON.parse(m.value).seq)).toEqual([...ofKey.map((m) => JSON.parse(m.value).seq)].sort());
    }

    const next = new Map<number, number>();
    for (const m of received) next.set(m.partition, Math.max(next.get(m.partition) ?? 0, Number(m.offset) + 1));
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const watermarks = await admin.fetchTopicOffsets(topic);
    const committedByPartition = Object.fromEntries(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    const highByPartition = Object.fromEntries(watermarks.map((p) => [p.partition, Number(p.high)]));
    expect(Object.values(highByPartition).reduce((a, b) => a + b, 0)).toBe(sent.length);
    // Every consumed partition is committed up to its high watermark; an empty one has no commit (-1).
    const expected = Object.fromEntries(Object.entries(highByPartition).map(([p, high]) => [p, high > 0 ? high : -1]));
    expect(committedByPartition).toEqual(expected);
    expect(Object.values(committedByPartition).some((offset) => offset > 0)).toBe(true);

    const groups = await admin.describeGroups([groupId]);
    expect(groups.groups[0]?.state).toBe('Stable');
  });
});
