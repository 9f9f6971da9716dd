import { eventAvroSchema, type VehicleEvent } from '@fleet/contracts';
import { createAvroSerde } from '@fleet/runtime';
import type { Consumer, Kafka } from 'kafkajs';

export interface ObservedEvent {
  event: VehicleEvent;
  /** When this independent consumer saw it (wall clock, ms). */
  seenAt: number;
}

export interface EventObserver {
  /** Events seen so far whose vehicle id starts with `prefix`. */
  eventsOf(prefix: string): ObservedEvent[];
  count(): number;
  close(): Promise<void>;
}

/** An independent consumer of the events topic (its own group), joined before any load starts. */
export async function startEventObserver(kafka: Kafka, registryUrl: string, topic: string, groupId: string): Promise<EventObserver> {
  const decode = createAvroSerde({ registryUrl }).decoderFor<VehicleEvent>(eventAvroSchema);
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, sessionTimeout: 30_000 });
  const seen: ObservedEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const seenAt = Date.now();
      for (const message of batch.messages) {
        if (message.value) seen.push({ event: await decode(message.value), seenAt });
      }
    },
  });
  await joined;
  return {
    eventsOf: (prefix) => seen.filter((observed) => observed.event.vehicleId.startsWith(prefix)),
    count: () => seen.length,
    close: () => consumer.disconnect(),
  };
}
