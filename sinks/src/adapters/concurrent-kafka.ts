import type { Kafka } from 'kafkajs';

/**
 * A Kafka client whose consumers run with `partitionsConsumedConcurrently`. The runtime's
 * startBatchConsumer calls `consumer.run()` without that option, so partitions would be handled
 * one after another and their lines could never share an InfluxDB write; this wrapper supplies it.
 */
export function withPartitionConcurrency(kafka: Kafka, partitionsConsumedConcurrently: number): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property !== 'consumer') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Kafka['consumer']>) => {
        const consumer = target.consumer(...args);
        const run = consumer.run.bind(consumer);
        consumer.run = (config) => run({ partitionsConsumedConcurrently, ...config });
        return consumer;
      };
    },
  });
}
