import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent } from '@fleet/contracts';
import type { AvroEncoder, AvroSerde, PartitionOffset } from '@fleet/runtime';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DetectorConfig } from '../domain/detector-config';
import type { VehicleState } from '../domain/vehicle-processor';
import type { ProcessorMetrics } from './processor-metrics';
import { createAckedSender } from './acked-sender';
import type { RegistryTables } from './registry-tables';
import { createReplayGuard, type ReplayGuard } from './replay-guard';
import { createStateCheckpoints, type StateCheckpoints } from './state-checkpoints';
import { createTelemetryBatchHandler } from './telemetry-batch-handler';
import type { VehicleStateStore } from './vehicle-state-store';

export interface TelemetryHandlingDeps {
  kafka: Kafka;
  serde: AvroSerde;
  producer: Producer;
  /**
   * Writes the checkpoints. A producer of its own keeps an event from queueing behind a checkpoint
   * of thousands of states (one request in flight per producer); defaults to `producer`.
   */
  stateProducer?: Producer;
  encodeEvent: AvroEncoder<VehicleEvent>;
  registry: RegistryTables;
  states: VehicleStateStore<VehicleState>;
  /** Commits telemetry offsets once their states are durable (BatchConsumer.commit). */
  commit: (offsets: readonly PartitionOffset[]) => Promise<boolean>;
  config: {
    groupId: string;
    topics: { events: string; state: string; dlq: string };
    detector: DetectorConfig;
    /** Changelog checkpoint interval per partition (0: after every batch). */
    stateFlushMs: number;
  };
  metrics: ProcessorMetrics;
  log: Logger;
}

/** The telemetry batch handler with its replay guard and state checkpoints, wired as the service runs it. */
export function createTelemetryHandling(deps: TelemetryHandlingDeps): {
  handle: ReturnType<typeof createTelemetryBatchHandler>;
  replayGuard: ReplayGuard;
  checkpoints: StateCheckpoints<VehicleState>;
} {
  const { kafka, serde, config, metrics, log } = deps;
  const send = createAckedSender(deps.producer, log);
  const checkpoints = createStateCheckpoints<VehicleState>({
    states: deps.states,
    stateTopic: config.topics.state,
    send: deps.stateProducer ? createAckedSender(deps.stateProducer, log) : send,
    commit: deps.commit,
    intervalMs: config.stateFlushMs,
    log,
    onWritten: (records) => metrics.stateRecordsWritten.inc(records),
  });
  const replayGuard = createReplayGuard({
    kafka,
    eventsTopic: config.topics.events,
    decode: serde.decoderFor<VehicleEvent>(eventAvroSchema),
    groupIdPrefix: config.groupId,
    log,
    onDropped: (count) => metrics.replayedEventsDropped.inc(count),
  });
  const handle = createTelemetryBatchHandler({
    send,
    decode: serde.decoderFor<TelemetryReading>(telemetryAvroSchema),
    encodeEvent: deps.encodeEvent,
    registry: deps.registry,
    states: deps.states,
    checkpoints,
    replayGuard,
    detector: config.detector,
    topics: config.topics,
    metrics,
    log,
  });
  return { handle, replayGuard, checkpoints };
}
