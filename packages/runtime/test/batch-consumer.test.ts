import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/app-error';
import { retryTransient } from '../src/backoff';
import { type BatchConsumer, type BatchConsumerOptions, type PartitionBatch, startBatchConsumer } from '../src/batch-consumer';
import { createKafka, createProducer, ensureTopics } from '../src/kafka';
import { silentLogger } from '../src/logger';

let kafka: Kafka;
beforeAll(() => {
  kafka = createKafka({ brokers: getInfra().kafkaBrokers, clientId: 'runtime-test', log: silentLogger() });
});

async function createTopicWith(values: string[]): Promise<string> {
  const topic = uniqueName('batch');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 1 }]);
  await admin.disconnect();
  const producer = createProducer(kafka);
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: 'k', value })) });
  await producer.disconnect();
  return topic;
}

async function committedOffset(groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return offsets?.partitions[0]?.offset;
}

/** A consumer that records every value it handles, in order. */
async function startCollector(topic: string, groupId: string, options: Partial<BatchConsumerOptions> = {}) {
  const values: string[] = [];
  const consumer = await startBatchConsumer({
    kafka,
    groupId,
    topics: [topic],
    log: silentLogger(),
    handle: async (batch) => {
      values.push(...batch.messages.map((message) => String(message.value)));
    },
    ...options,
  });
  return { consumer, values };
}

const running: BatchConsumer[] = [];
afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop()));
});

describe('startBatchConsumer against real Kafka', () => {
  it('commits offsets only after the handler made a batch durable, retrying transient failures', async () => {
    const topic = await createTopicWith(['a', 'b', 'c']);
    const groupId = uniqueName('group');
    const durable: string[] = [];
    let failuresLeft = 2;
    const handle = async (batch: PartitionBatch) => {
      await retryTransient(
        async () => {
          if (failuresLeft-- > 0) throw new AppError('SINK_DOWN', 'sink unavailable', { retriable: true });
          durable.push(...batch.messages.map((message) => String(message.value)));
        },
        { backoff: { initialMs: 10, maxMs: 20 }, shouldContinue: batch.isActive, whileWaiting: batch.heartbeat },
      );
    };
    const consumer = await startBatchConsumer({ kafka, groupId, topics: [topic], log: silentLogger(), handle });
    running.push(consumer);

    await waitFor(() => durable.length === 3, { timeoutMs: 30_000 });
    expect(durable).toEqual(['a', 'b', 'c']);
    expect(consumer.isReady()).toBe(true);
    await consumer.stop();
    expect(await committedOffset(groupId, topic)).toBe('3');
  });

  it('leaves a batch uncommitted when it is abandoned during an outage, so the next consumer replays it', async () => {
    const topic = await createTopicWith(['x', 'y']);
    const groupId = uniqueName('group');
    let attempts = 0;
    const first = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      log: silentLogger(),
      // The sink stays down: the handler retries until the consumer is stopped.
      handle: (batch) =>
        retryTransient(
          async () => {
            attempts++;
            throw new AppError('SINK_DOWN', 'sink unavailable', { retriable: true });
          },
          { backoff: { initialMs: 10, maxMs: 20 }, shouldContinue: batch.isActive, whileWaiting: batch.heartbeat },
        ),
    });
    await waitFor(() => attempts >= 3, { timeoutMs: 30_000 });
    await first.stop();
    expect(['-1', '0']).toContain(await committedOffset(groupId, topic));

    const { consumer: second, values: seen } = await startCollector(topic, groupId);
    running.push(second);
    await waitFor(() => seen.length === 2, { timeoutMs: 30_000 });
    expect(seen).toEqual(['x', 'y']);
  });

  it("in 'by-caller' mode commits only what the caller commits, and the next consumer replays the rest", async () => {
    const topic = await createTopicWith(['a', 'b', 'c']);
    const groupId = uniqueName('group');
    const { consumer: first, values: handled } = await startCollector(topic, groupId, { commit: 'by-caller' });
    await waitFor(() => handled.length === 3, { timeoutMs: 30_000 });
    // Handled is not durable in this mode: nothing is committed until the caller says so.
    expect(['-1', '0']).toContain(await committedOffset(groupId, topic));
    expect(await first.commit([{ topic, partition: 0, offset: '1' }])).toBe(true);
    await first.drain();
    await first.stop();
    expect(await committedOffset(groupId, topic)).toBe('1');

    const { consumer: second, values: replayed } = await startCollector(topic, groupId, { commit: 'by-caller' });
    running.push(second);
    await waitFor(() => replayed.length === 2, { timeoutMs: 30_000 });
    expect(replayed).toEqual(['b', 'c']);
  });

  it('drain waits for the batch being handled and stops fetching, while the member can still commit', async () => {
    const topic = await createTopicWith(['p', 'q']);
    const groupId = uniqueName('group');
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    let finished = 0;
    const consumer = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      log: silentLogger(),
      commit: 'by-caller',
      handle: async () => {
        started++;
        await released;
        finished++;
      },
    });
    running.push(consumer);
    await waitFor(() => started === 1, { timeoutMs: 30_000 });
    let drained = false;
    const draining = consumer.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(drained).toBe(false);
    release();
    await draining;
    expect(finished).toBe(1);
    expect(await consumer.commit([{ topic, partition: 0, offset: '2' }])).toBe(true);
    expect(await committedOffset(groupId, topic)).toBe('2');
  });
});
