import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent } from '@fleet/contracts';
import type { AvroEncoder, AvroSerde } from '@fleet/runtime';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DetectorConfig } from '../domain/detector-config';
import type { VehicleState } from '../domain/vehicle-processor';
import type { ProcessorMetrics } from './processor-metrics';
import type { RegistryTables } from './registry-tables';
import { createReplayGuard, type ReplayGuard } from './replay-guard';
import { createTelemetryBatchHandler } from './telemetry-batch-handler';
import type { VehicleStateStore } from './vehicle-state-store';

export interface TelemetryHandlingDeps {
  kafka: Kafka;
  serde: AvroSerde;
  producer: Producer;
  encodeEvent: AvroEncoder<VehicleEvent>;
  registry: RegistryTables;
  states: VehicleStateStore<VehicleState>;
  config: { groupId: string; topics: { events: string; state: string; dlq: string }; detector: DetectorConfig };
  metrics: ProcessorMetrics;
  log: Logger;
}

/** The telemetry batch handler with its replay guard, wired as the service runs it. */
export function createTelemetryHandling(deps: TelemetryHandlingDeps): {
  handle: ReturnType<typeof createTelemetryBatchHandler>;
  replayGuard: ReplayGuard;
} {
  const { kafka, serde, config, metrics, log } = deps;
  const replayGuard = createReplayGuard({
    kafka,
    eventsTopic: config.topics.events,
    decode: serde.decoderFor<VehicleEvent>(eventAvroSchema),
    groupIdPrefix: config.groupId,
    log,
    onDropped: (count) => metrics.replayedEventsDropped.inc(count),
  });
  const handle = createTelemetryBatchHandler({
    producer: deps.producer,
    decode: serde.decoderFor<TelemetryReading>(telemetryAvroSchema),
    encodeEvent: deps.encodeEvent,
    registry: deps.registry,
    states: deps.states,
    replayGuard,
    detector: config.detector,
    topics: config.topics,
    metrics,
    log,
  });
  return { handle, replayGuard };
}
