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
import type { Kafka } from 'kafkajs';
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
  /** Called on every group (re)join with this instance's partitions, before any batch of them is handled. */
  onAssignment: (partitions: number[]) => Promise<void>;
  handle: (events: SourcedEvent[], retry: { shouldContinue: () => boolean; whileWaiting: () => Promise<void> }) => Promise<void>;
}

/** Consumes vehicle.events (Avro, Confluent wire format) in batches; offsets commit after the handler. */
export function startEventConsumer(options: EventConsumerOptions): Promise<BatchConsumer> {
  const decode = options.serde.decoderFor<Omit<VehicleEvent, 'type'> & { type: string }>(eventAvroSchema);
  return startBatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
    log: options.log,
    metrics: options.metrics,
    onGroupJoin: (assignment) => {
      options.onAssignment(assignment[options.topic] ?? []).catch((error: unknown) => options.log.error({ err: error }, 'adopting assigned partitions failed'));
    },
    handle: async (batch) => {
      const retry = { shouldContinue: batch.isActive, whileWaiting: batch.heartbeat };
      const events: SourcedEvent[] = [];
      for (const message of batch.messages) {
        if (message.value === null) continue;
        const value = message.value;
        try {
          const event = await retryTransient(async () => decode(value), retry);
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
