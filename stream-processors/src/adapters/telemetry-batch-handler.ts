import { DLQ_HEADERS, type TelemetryReading, type VehicleEvent } from '@fleet/contracts';
import {
  AppError,
  type AvroDecoder,
  type AvroEncoder,
  errorMessage,
  type PartitionBatch,
  RetryAbortedError,
  retryTransient,
} from '@fleet/runtime';
import type { KafkaMessage, Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { DetectorConfig } from '../domain/detector-config';
import { initialVehicleState, processReading, type VehicleState } from '../domain/vehicle-processor';
import type { ProcessorMetrics } from './processor-metrics';
import type { RegistryTables } from './registry-tables';
import type { VehicleStateStore } from './vehicle-state-store';

export interface TelemetryBatchHandlerDeps {
  producer: Producer;
  decode: AvroDecoder<TelemetryReading>;
  encodeEvent: AvroEncoder<VehicleEvent>;
  registry: RegistryTables;
  states: VehicleStateStore<VehicleState>;
  detector: DetectorConfig;
  topics: { events: string; state: string; dlq: string };
  metrics: ProcessorMetrics;
  log: Logger;
  now?: () => number;
}

function deadLetter(message: KafkaMessage, batch: PartitionBatch, error: unknown): Message {
  const code = error instanceof AppError ? error.code : 'UNDECODABLE';
  return {
    key: message.key,
    value: message.value,
    headers: {
      [DLQ_HEADERS.reason]: code,
      [DLQ_HEADERS.error]: errorMessage(error),
      [DLQ_HEADERS.sourceTopic]: batch.topic,
      [DLQ_HEADERS.sourcePartition]: String(batch.partition),
      [DLQ_HEADERS.sourceOffset]: message.offset,
    },
  };
}

/**
 * One partition batch: decode, run the detectors per vehicle, then write events, the changed
 * vehicle states and dead letters in one acknowledged send. Only after that send is the batch
 * done (its offsets get committed) and the new states become the working copy.
 */
export function createTelemetryBatchHandler(deps: TelemetryBatchHandlerDeps) {
  const now = deps.now ?? Date.now;
  const retryOptions = (batch: PartitionBatch) => ({
    shouldContinue: batch.isActive,
    whileWaiting: batch.heartbeat,
    onRetry: (error: unknown, attempt: number, delayMs: number) =>
      deps.log.warn({ err: error, attempt, delayMs, partition: batch.partition }, 'transient failure; retrying'),
  });

  async function decode(message: KafkaMessage, batch: PartitionBatch): Promise<TelemetryReading | AppError> {
    if (message.value === null) return new AppError('EMPTY_VALUE', 'record has no value', { retriable: false });
    const value = message.value;
    try {
      return await retryTransient(() => deps.decode(value), retryOptions(batch));
    } catch (error) {
      if (error instanceof RetryAbortedError) throw error;
      return error instanceof AppError ? error : new AppError('UNDECODABLE', errorMessage(error), { retriable: false });
    }
  }

  return async function handleTelemetryBatch(batch: PartitionBatch): Promise<void> {
    const started = now();
    await deps.states.ensureRestored(batch.partition);
    const geofences = deps.registry.geofences();
    const changed = new Map<string, VehicleState>();
    const events: VehicleEvent[] = [];
    const deadLetters: Message[] = [];

    for (const message of batch.messages) {
      const reading = await decode(message, batch);
      if (reading instanceof AppError) {
        deadLetters.push(deadLetter(message, batch, reading));
        deps.metrics.readings.inc({ outcome: 'dead-lettered' });
        continue;
      }
      const state = changed.get(reading.vehicleId) ?? deps.states.get(reading.vehicleId) ?? initialVehicleState();
      const result = processReading(state, reading, {
        vehicle: deps.registry.vehicle(reading.vehicleId),
        geofences,
        config: deps.detector,
      });
      deps.metrics.readings.inc({ outcome: result.skipped === null ? 'processed' : result.skipped.toLowerCase() });
      if (result.state !== state) changed.set(reading.vehicleId, result.state);
      events.push(...result.events);
    }

    const topicMessages: TopicMessages[] = [
      {
        topic: deps.topics.events,
        messages: events.map((event) => ({ key: event.vehicleId, value: deps.encodeEvent(event) })),
      },
      { topic: deps.topics.state, messages: deps.states.changelogMessages(changed, batch.partition) },
      { topic: deps.topics.dlq, messages: deadLetters },
    ].filter((entry) => entry.messages.length > 0);

    if (topicMessages.length > 0) {
      await retryTransient(
        () =>
          deps.producer.sendBatch({ topicMessages, acks: -1 }).catch((error: unknown) => {
            // Producer failures (broker down, leader moving, timeouts) are transient for us: the
            // batch is retried whole, and deterministic event ids make a repeated write harmless.
            throw new AppError('KAFKA_PRODUCE_FAILED', errorMessage(error), { retriable: true, cause: error });
          }),
        retryOptions(batch),
      );
    }
    deps.states.commit(changed);

    const ackedAt = now();
    for (const event of events) {
      deps.metrics.events.inc({ type: event.type });
      if (event.receivedAt !== null) deps.metrics.ingestToEventSeconds.observe((ackedAt - event.receivedAt) / 1000);
    }
    deps.metrics.stateSize.set(deps.states.size());
    deps.metrics.batchSeconds.observe((ackedAt - started) / 1000);
  };
}
