import { DLQ_HEADERS, type TelemetryReading, type VehicleEvent } from '@fleet/contracts';
import {
  AppError,
  type AvroDecoder,
  type AvroEncoder,
  DEFAULT_MAX_REQUEST_BYTES,
  errorMessage,
  isRetriable,
  type PartitionBatch,
  RetryAbortedError,
  retryTransient,
  splitIntoRequests,
} from '@fleet/runtime';
import type { KafkaMessage, Message, RecordMetadata, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { DetectorConfig } from '../domain/detector-config';
import { initialVehicleState, processReading, type VehicleState } from '../domain/vehicle-processor';
import type { AckedSender } from './acked-sender';
import type { ProcessorMetrics } from './processor-metrics';
import type { RegistryTables } from './registry-tables';
import type { ReplayGuard } from './replay-guard';
import type { StateCheckpoints } from './state-checkpoints';
import type { VehicleStateStore } from './vehicle-state-store';

export interface TelemetryBatchHandlerDeps {
  send: AckedSender;
  decode: AvroDecoder<TelemetryReading>;
  encodeEvent: AvroEncoder<VehicleEvent>;
  registry: RegistryTables;
  states: VehicleStateStore<VehicleState>;
  checkpoints: StateCheckpoints<VehicleState>;
  replayGuard: ReplayGuard;
  detector: DetectorConfig;
  topics: { events: string; dlq: string };
  metrics: ProcessorMetrics;
  log: Logger;
  now?: () => number;
  /** Upper bound of one produce request's payload (see splitIntoRequests in @fleet/runtime). */
  maxRequestBytes?: number;
}

function asPoison(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('UNDECODABLE', errorMessage(error), { retriable: false });
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

function lastOffsetOf(batch: PartitionBatch): string {
  const last = batch.messages[batch.messages.length - 1];
  if (last === undefined) throw new AppError('EMPTY_BATCH', 'a partition batch without messages', { retriable: false });
  return last.offset;
}

/** The end offset of `topic`'s `partition` after an acknowledged request that wrote `count` records there. */
function endOffsetAfter(acked: RecordMetadata[], topic: string, partition: number, count: number): bigint | undefined {
  const metadata = acked.find((entry) => entry.topicName === topic && entry.partition === partition);
  return count > 0 && metadata?.baseOffset !== undefined ? BigInt(metadata.baseOffset) + BigInt(count) : undefined;
}

/**
 * One partition batch: decode, run the detectors per vehicle, then write events and dead letters in
 * acknowledged sends of bounded size; the new states become the working copy and go to the
 * partition's next checkpoint (StateCheckpoints), which commits the batch's offsets once they are durable.
 *
 * Events go to the events partition with the telemetry's partition number, so the changelog's
 * events mark (see VehicleStateStore) and the replay guard look at one partition.
 */
export function createTelemetryBatchHandler(deps: TelemetryBatchHandlerDeps) {
  const now = deps.now ?? Date.now;
  const maxRequestBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const retryOptions = (batch: PartitionBatch) => ({
    shouldContinue: batch.isActive,
    whileWaiting: batch.heartbeat,
    onRetry: (error: unknown, attempt: number, delayMs: number) =>
      deps.log.warn({ err: error, attempt, delayMs, partition: batch.partition }, 'transient failure; retrying'),
  });

  /**
   * Permanent failures become the AppError to dead-letter; transient ones (registry down) are
   * retried. Synchronous in the common case (schema id already known): no promise per record.
   */
  function decode(value: Buffer, batch: PartitionBatch): TelemetryReading | AppError | Promise<TelemetryReading | AppError> {
    let decoded: TelemetryReading | Promise<TelemetryReading>;
    try {
      decoded = deps.decode(value);
    } catch (error) {
      return isRetriable(error) ? decodeWithRetries(value, batch) : asPoison(error);
    }
    if (!(decoded instanceof Promise)) return decoded;
    return decoded.catch((error: unknown) => (isRetriable(error) ? decodeWithRetries(value, batch) : asPoison(error)));
  }

  async function decodeWithRetries(value: Buffer, batch: PartitionBatch): Promise<TelemetryReading | AppError> {
    try {
      return await retryTransient(async () => deps.decode(value), retryOptions(batch));
    } catch (error) {
      if (error instanceof RetryAbortedError) throw error;
      return asPoison(error);
    }
  }

  return async function handleTelemetryBatch(batch: PartitionBatch): Promise<void> {
    const started = now();
    await deps.states.ensureRestored(batch.partition);
    await deps.replayGuard.ensureLoaded(batch, () => deps.states.eventsMark(batch.partition));
    const geofences = deps.registry.geofences();
    const changed = new Map<string, VehicleState>();
    const events: VehicleEvent[] = [];
    const triggeredAt = new Map<string, number>();
    const deadLetters: Message[] = [];

    const outcomes = { processed: 0, late: 0, duplicate: 0, 'dead-lettered': 0 };
    for (const message of batch.messages) {
      const decoded =
        message.value === null ? new AppError('EMPTY_VALUE', 'record has no value', { retriable: false }) : decode(message.value, batch);
      const reading = decoded instanceof Promise ? await decoded : decoded;
      if (reading instanceof AppError) {
        deadLetters.push(deadLetter(message, batch, reading));
        outcomes['dead-lettered']++;
        continue;
      }
      const state = changed.get(reading.vehicleId) ?? deps.states.get(reading.vehicleId) ?? initialVehicleState();
      const result = processReading(state, reading, {
        vehicle: deps.registry.vehicle(reading.vehicleId),
        geofences,
        config: deps.detector,
      });
      if (result.skipped === null) outcomes.processed++;
      else if (result.skipped === 'LATE') outcomes.late++;
      else outcomes.duplicate++;
      if (result.state !== state) changed.set(reading.vehicleId, result.state);
      for (const event of result.events) {
        events.push(event);
        // The event describes its own reading (for a harsh manoeuvre, the onset); latency counts
        // from the reading that made the detector emit it.
        triggeredAt.set(event.eventId, reading.receivedAt);
      }
    }

    // Outputs before state: events and dead letters are acknowledged before the changelog records
    // that say these readings were processed, so a crash in between replays the batch instead of
    // restoring a state whose events were never written; the replay guard drops the repeats.
    const unwritten = deps.replayGuard.unwritten(batch.partition, events);
    const outputs: TopicMessages[] = [
      {
        topic: deps.topics.events,
        messages: unwritten.map((event) => ({ key: event.vehicleId, value: deps.encodeEvent(event), partition: batch.partition })),
      },
      { topic: deps.topics.dlq, messages: deadLetters },
    ];
    let eventsMark: bigint | undefined;
    for (const topicMessages of splitIntoRequests(outputs, maxRequestBytes)) {
      const acked = await deps.send(topicMessages, batch);
      const eventCount = topicMessages.find(({ topic }) => topic === deps.topics.events)?.messages.length ?? 0;
      eventsMark = endOffsetAfter(acked, deps.topics.events, batch.partition, eventCount) ?? eventsMark;
    }
    deps.states.commit(changed);
    await deps.checkpoints.record({ context: batch, lastOffset: lastOffsetOf(batch), changed, eventsMark });

    const ackedAt = now();
    for (const [outcome, count] of Object.entries(outcomes)) if (count > 0) deps.metrics.readings.inc({ outcome }, count);
    for (const event of unwritten) {
      deps.metrics.events.inc({ type: event.type });
      const receivedAt = triggeredAt.get(event.eventId);
      if (receivedAt !== undefined) deps.metrics.ingestToEventSeconds.observe((ackedAt - receivedAt) / 1000);
    }
    deps.metrics.stateSize.set(deps.states.size());
    deps.metrics.batchSeconds.observe((ackedAt - started) / 1000);
  };
}
