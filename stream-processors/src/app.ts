import { eventAvroSchema, type VehicleEvent, valueSubject } from '@fleet/contracts';
import {
  AppError,
  type AvroSerde,
  type BatchConsumer,
  createProducer,
  ensureTopics,
  type Registry,
  retryTransient,
  startBatchConsumer,
} from '@fleet/runtime';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ProcessorConfig } from './config';
import { createProcessorMetrics } from './adapters/processor-metrics';
import { startRegistryTables } from './adapters/registry-tables';
import { telemetryConsumerConfig } from './adapters/telemetry-consumer-config';
import { createTelemetryHandling } from './adapters/telemetry-handling';
import { startVehicleStateStore } from './adapters/vehicle-state-store';
import type { VehicleState } from './domain/vehicle-processor';

export interface ProcessorAppDeps {
  kafka: Kafka;
  serde: AvroSerde;
  log: Logger;
  metrics: Registry;
  config: Pick<ProcessorConfig, 'groupId' | 'topics' | 'partitions' | 'detector'> &
    Partial<Pick<ProcessorConfig, 'sessionTimeoutMs' | 'stateFlushMs'>>;
}

export interface ProcessorApp {
  isReady: () => boolean;
  stop: () => Promise<void>;
}

/** Wires the detectors to Kafka: telemetry in, events + state changelog out. */
export async function startProcessorApp(deps: ProcessorAppDeps): Promise<ProcessorApp> {
  const { kafka, log, config } = deps;
  const { topics } = config;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic: topics.telemetry, numPartitions: config.partitions },
      { topic: topics.events, numPartitions: config.partitions },
      { topic: topics.dlq, numPartitions: 1 },
      { topic: topics.vehicles, numPartitions: 1, compacted: true },
      { topic: topics.geofences, numPartitions: 1, compacted: true },
    ]);
    // Events and changelog records are written to the partition number of the telemetry they came
    // from, so both topics need at least as many partitions as the telemetry topic has.
    const partitionCount = async (topic: string) =>
      (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? config.partitions;
    const telemetryPartitions = await partitionCount(topics.telemetry);
    await ensureTopics(admin, [{ topic: topics.state, numPartitions: telemetryPartitions, compacted: true }]);
    for (const topic of [topics.events, topics.state]) {
      const partitions = await partitionCount(topic);
      if (partitions < telemetryPartitions) {
        throw new AppError(
          'TOPIC_PARTITIONS',
          `${topic} has ${partitions} partitions, fewer than the ${telemetryPartitions} of ${topics.telemetry}; add partitions to it (kafka-topics.sh --alter --partitions ${telemetryPartitions})`,
          { retriable: false },
        );
      }
    }
  } finally {
    await admin.disconnect();
  }

  const producer = createProducer(kafka);
  const stateProducer = createProducer(kafka);
  await Promise.all([producer.connect(), stateProducer.connect()]);
  // The registry may be down while we start (a transient failure like any other): wait for it
  // rather than exit, as the bridge does.
  const encodeEvent = await retryTransient(() => deps.serde.encoderFor<VehicleEvent>(valueSubject(topics.events), eventAvroSchema), {
    onRetry: (error, attempt, delayMs) => log.warn({ err: error, attempt, delayMs }, 'schema registry unavailable at start-up; retrying'),
  });
  const metrics = createProcessorMetrics(deps.metrics);
  // Each follower joins a group of its own; joining them concurrently saves seconds at start-up.
  const [registry, states] = await Promise.all([
    startRegistryTables({
      kafka,
      topics,
      groupIdPrefix: config.groupId,
      log,
      onSizes: (sizes) => {
        metrics.registryRecords.set({ table: 'vehicles' }, sizes.vehicles);
        metrics.registryRecords.set({ table: 'geofences' }, sizes.geofences);
      },
    }),
    startVehicleStateStore<VehicleState>({ kafka, topic: topics.state, groupIdPrefix: config.groupId, log }),
  ]);
  await registry.caughtUp();

  // Checkpoints commit through the consumer, which needs the handler to start.
  let consumerStarted: (consumer: BatchConsumer) => void = () => {};
  const started = new Promise<BatchConsumer>((resolve) => {
    consumerStarted = resolve;
  });
  const stateFlushMs = config.stateFlushMs ?? 5000;
  const { handle, replayGuard, checkpoints } = createTelemetryHandling({
    kafka,
    serde: deps.serde,
    producer,
    stateProducer,
    encodeEvent,
    registry,
    states,
    commit: async (offsets) => (await started).commit(offsets),
    config: { ...config, stateFlushMs },
    metrics,
    log,
  });
  const consumer: BatchConsumer = await startBatchConsumer({
    kafka,
    groupId: config.groupId,
    topics: [topics.telemetry],
    log,
    metrics: deps.metrics,
    consumerConfig: telemetryConsumerConfig(config.sessionTimeoutMs),
    // A batch that wrote an event waits for Kafka's acknowledgement; the other partitions of the
    // fetch need not wait behind it (partitions share no vehicle, so no state).
    partitionsConsumedConcurrently: 3,
    commit: 'by-caller',
    handle,
    onGroupJoin: () => {
      states.invalidate();
      replayGuard.invalidate();
      checkpoints.invalidate();
    },
  });
  consumerStarted(consumer);
  // Partitions that went quiet still get their last states written and their offsets committed.
  const flushTimer = setInterval(() => {
    checkpoints.flushDue().catch((error: unknown) => log.warn({ err: error }, 'state checkpoint failed; the next one retries'));
  }, Math.max(250, stateFlushMs / 4));
  flushTimer.unref();

  return {
    isReady: consumer.isReady,
    stop: async () => {
      clearInterval(flushTimer);
      // Handled batches become durable and committed before the group hands the partitions on.
      await consumer.drain();
      await checkpoints.flushAll().catch((error: unknown) => log.warn({ err: error }, 'final state checkpoint failed; the next owner replays'));
      await consumer.stop();
      await Promise.all([states.stop(), registry.stop()]);
      await Promise.all([producer.disconnect(), stateProducer.disconnect()]);
    },
  };
}
