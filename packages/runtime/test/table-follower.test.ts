import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';
import { createKafka, createProducer, ensureTopics } from '../src/kafka';
import { silentLogger } from '../src/logger';
import { startTableFollower } from '../src/table-follower';

describe('startTableFollower against real Kafka', () => {
  it('reads a compacted topic to its end, applies updates and tombstones, and keeps following', async () => {
    const kafka = createKafka({ brokers: getInfra().kafkaBrokers, clientId: 'runtime-test', log: silentLogger() });
    const topic = uniqueName('table');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 2, compacted: true }]);
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'a', value: '3' },
        { key: 'b', value: null },
        { key: 'c', value: 'not a number' },
      ],
    });

    const changes: string[] = [];
    const follower = await startTableFollower<number>({
      kafka,
      topic,
      parse: (_key, value) => {
        const number = Number(value.toString());
        return Number.isNaN(number) ? undefined : number;
      },
      onChange: (key, value) => changes.push(`${key}=${value}`),
      groupIdPrefix: 'runtime-test',
      log: silentLogger(),
    });
    try {
      await follower.caughtUp({ timeoutMs: 30_000 });
      expect(Object.fromEntries(follower.table)).toEqual({ a: 3 });
      expect(changes).toEqual(expect.arrayContaining(['a=1', 'a=3', 'b=2', 'b=undefined']));

      await producer.send({ topic, acks: -1, messages: [{ key: 'd', value: '4' }] });
      await waitFor(() => follower.table.get('d') === 4, { timeoutMs: 30_000 });
    } finally {
      await follower.stop();
      await producer.disconnect();
    }
  });
});
