import { createKafka, silentLogger } from '@fleet/runtime';
import { waitFor } from '@fleet/testkit';

/**
 * Brings a freshly formatted broker to the steady state the pipeline normally meets: a topic
 * created and written, and a consumer group (so `__consumer_offsets` exists and its coordinator
 * has loaded). Straight after formatting, Kafka 4 answers metadata for new topics with
 * UNKNOWN_TOPIC_OR_PARTITION and group requests with COORDINATOR_LOAD_IN_PROGRESS for a while;
 * the fault under test is a broker crash in steady state, not a start on a brand-new broker.
 */
export async function warmUpKafka(brokers: string[]): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'faults-warm-up', log: silentLogger() });
  const topic = 'faults-warm-up';
  await waitFor(
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
        const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        return meta?.partitions.every((partition) => partition.leader >= 0) ?? false;
      } finally {
        await admin.disconnect();
      }
    },
    { timeoutMs: 60_000, intervalMs: 500, message: 'the private broker did not create a topic' },
  );
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'warm' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'faults-warm-up' });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = false;
    await consumer.run({
      eachMessage: async () => {
        received = true;
      },
    });
    await waitFor(() => received, { timeoutMs: 60_000, message: 'the private broker did not serve a consumer group' });
  } finally {
    await consumer.disconnect();
  }
}
