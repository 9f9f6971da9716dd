import { eventAvroSchema, isEventType, type VehicleEvent } from '@fleet/contracts';
import {
  AppError,
  type AvroSerde,
  type BatchConsumer,
  errorMessage,
  isRetriable,
  type Logger,
  retryTransient,
  startBatchConsumer,
} from '@fleet/runtime';
import type { Consumer, Kafka } from 'kafkajs';
import type { Counter, Registry } from 'prom-client';
import type { SourcedEvent } from '../notifications/notifier';

export interface EventConsumerOptions {
  kafka: Kafka;
  serde: AvroSerde;
  topic: string;
  groupId: string;
  log: Logger;
  metrics: Registry;
  poison?: Counter;
  onAssignment: (partitions: number[]) => Promise<void>;
  handle: (events: SourcedEvent[], retry: { shouldContinue: () => boolean; whileWaiting: () => Promise<void> }) => Promise<void>;
}

/**
 * startBatchConsumer joins the group before it returns, so a GROUP_JOIN listener added afterwards
 * misses the first assignment. This hands it a Kafka whose consumers get the listener at creation.
 */
function withJoinListener(kafka: Kafka, topic: string, onAssignment: (partitions: number[]) => void): Kafka {
  const consumer = (config: Parameters<Kafka['consumer']>[0]): Consumer => {
    const created = kafka.consumer(config);
    created.on(created.events.GROUP_JOIN, ({ payload }) => onAssignment(payload.memberAssignment[topic] ?? []));
    return created;
  };
  return new Proxy(kafka, { get: (target, property, receiver) => (property === 'consumer' ? consumer : Reflect.get(target, property, receiver)) });
}

/** Consumes vehicle.events (Avro, Confluent wire format) in batches; offsets commit after the handler. */
export function startEventConsumer(options: EventConsumerOptions): Promise<BatchConsumer> {
  const decode = options.serde.decoderFor<Omit<VehicleEvent, 'type'> & { type: string }>(eventAvroSchema);
  const kafka = withJoinListener(options.kafka, options.topic, (partitions) => {
    options.onAssignment(partitions).catch((error: unknown) => options.log.error({ err: error }, 'adopting assigned partitions failed'));
  });
  return startBatchConsumer({
    kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
    log: options.log,
    metrics: options.metrics,
    handle: async (batch) => {
      const retry = { shouldContinue: batch.isActive, whileWaiting: batch.heartbeat };
      const events: SourcedEvent[] = [];
      for (const message of batch.messages) {
        if (message.value === null) continue;
        const value = message.value;
        try {
          const event = await retryTransient(() => decode(value), retry);
          if (!isEventType(event.type)) {
            throw new AppError('UNKNOWN_EVENT_TYPE', `unknown event type "${event.type}"`, { retriable: false });
          }
          events.push({ event: event as VehicleEvent, partition: batch.partition });
        } catch (error) {
          if (isRetriable(error)) throw error;
          // A record no schema can read will never become readable: count it, log it, move on.
          options.poison?.inc();
          options.log.error(
            { topic: batch.topic, partition: batch.partition, offset: message.offset, error: errorMessage(error) },
            'skipping an undecodable event',
          );
        }
      }
      await options.handle(events, retry);
    },
  });
}
