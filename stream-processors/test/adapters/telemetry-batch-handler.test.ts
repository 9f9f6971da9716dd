import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent, valueSubject } from '@fleet/contracts';
import { createAvroSerde, createProducer, ensureTopics, type PartitionBatch, Registry, silentLogger } from '@fleet/runtime';
import { getInfra, waitFor } from '@fleet/testkit';
import type { KafkaMessage, Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PartitionOffset } from '@fleet/runtime';
import { createProcessorMetrics } from '../../src/adapters/processor-metrics';
import { startRegistryTables } from '../../src/adapters/registry-tables';
import { createTelemetryHandling } from '../../src/adapters/telemetry-handling';
import { startVehicleStateStore } from '../../src/adapters/vehicle-state-store';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/domain/detector-config';
import type { VehicleState } from '../../src/domain/vehicle-processor';
import { createPipelineTopics, type PipelineTopics, reading } from '../support/pipeline-topics';

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const PARTITION = 1;
/** The device's own accelerometer: no harsh-driving events from the speed steps. */
const calm = { accelLongMps2: 0.2 };
const log = silentLogger();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * One processor instance's batch handler, as the app wires it, over a given producer; the offsets
 * its checkpoints commit are recorded instead of going to a consumer group (the test plays the consumer).
 */
async function startInstance(pipeline: PipelineTopics, producer: Producer, stateFlushMs = 0) {
  const { kafka, topics, groupId } = pipeline;
  const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
  const metrics = createProcessorMetrics(new Registry());
  const [registry, states] = await Promise.all([
    startRegistryTables({ kafka, topics, groupIdPrefix: groupId, log }),
    startVehicleStateStore<VehicleState>({ kafka, topic: topics.state, groupIdPrefix: groupId, log }),
  ]);
  closers.push(() => states.stop(), () => registry.stop());
  await registry.caughtUp();
  const commits: PartitionOffset[] = [];
  const { handle, checkpoints } = createTelemetryHandling({
    kafka,
    serde,
    producer,
    encodeEvent: await serde.encoderFor<VehicleEvent>(valueSubject(topics.events), eventAvroSchema),
    registry,
    states,
    commit: async (offsets) => {
      commits.push(...offsets);
      return true;
    },
    config: { groupId, topics, detector: DEFAULT_DETECTOR_CONFIG, stateFlushMs },
    metrics,
    log,
  });
  const dropped = async () => (await metrics.replayedEventsDropped.get()).values[0]?.value ?? 0;
  const latenciesObserved = async () =>
    (await metrics.ingestToEventSeconds.get()).values.find((entry) => entry.metricName === 'processor_ingest_to_event_seconds_count')?.value ?? 0;
  return { handle, checkpoints, commits, dropped, latenciesObserved };
}

async function batchOf(
  pipeline: PipelineTopics,
  readings: TelemetryReading[],
  firstOffset: number,
  isActive = () => true,
): Promise<PartitionBatch> {
  const serde = createAvroSerde({ registryUrl: getInfra().registryUrl });
  const encode = await serde.encoderFor<TelemetryReading>(valueSubject(pipeline.topics.telemetry), telemetryAvroSchema);
  const messages = readings.map(
    (entry, index) =>
      ({
        key: Buffer.from(entry.vehicleId),
        value: encode(entry),
        offset: String(firstOffset + index),
        timestamp: String(entry.ts),
        attributes: 0,
        headers: {},
      }) as KafkaMessage,
  );
  return { topic: pipeline.topics.telemetry, partition: PARTITION, messages, heartbeat: async () => {}, isActive };
}

/** Fresh topics (the changelog with 3 partitions, so PARTITION exists there too) and a producer. */
async function startPipeline(name: string): Promise<{ pipeline: PipelineTopics; producer: Producer }> {
  const pipeline = await createPipelineTopics(name);
  closers.push(() => pipeline.close());
  const admin = pipeline.kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic: pipeline.topics.state, numPartitions: 3, compacted: true }]);
  await admin.disconnect();
  const producer = createProducer(pipeline.kafka);
  await producer.connect();
  closers.push(() => producer.disconnect());
  return { pipeline, producer };
}

describe('telemetry batch handler against real Kafka', () => {
  it('a crash after the events were written but before the changelog: the next owner writes no event twice', async () => {
    const { pipeline, producer } = await startPipeline('replay-guard');

    // 140 km/h against the 120 default from t=1 s: OVERSPEED confirmed at t=6 s, for two vehicles.
    const speeding = (vehicleId: string, seconds: number[]) => seconds.map((s) => reading(vehicleId, T0 + s * 1000, s === 0 ? 100 : 140, calm));
    const readings = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((s) => [...speeding('van-1', [s]), ...speeding('van-2', [s])]);

    // The first owner dies between its two writes: the events are acknowledged, the changelog
    // write never arrives and the partition is gone (a killed process retries nothing).
    let alive = true;
    const dying: Producer = {
      ...producer,
      sendBatch: (request) => {
        if (!request.topicMessages?.some(({ topic }) => topic === pipeline.topics.state)) return producer.sendBatch(request);
        alive = false;
        return Promise.reject(new Error('the process was killed before the changelog write'));
      },
    };
    const first = await startInstance(pipeline, dying);
    await expect(first.handle(await batchOf(pipeline, readings, 0, () => alive))).rejects.toThrow();
    await waitFor(() => pipeline.events.length === 2, { timeoutMs: 15_000, message: 'the first owner wrote no events' });

    // The next owner restores the old states, replays the batch and detects the same two events.
    const second = await startInstance(pipeline, producer);
    await second.handle(await batchOf(pipeline, readings, 0));
    expect(await second.dropped()).toBe(2);
    // Dropped events were not written: they are not counted as detected latencies either.
    expect(await second.latenciesObserved()).toBe(0);

    // Its changelog write carries the events mark: a third owner finds nothing to drop and ends the episodes.
    const third = await startInstance(pipeline, producer);
    await third.handle(await batchOf(pipeline, [reading('van-1', T0 + 9000, 100, calm), reading('van-2', T0 + 9000, 100, calm)], 16));
    expect(await third.dropped()).toBe(0);
    expect(await third.latenciesObserved()).toBe(2);

    await waitFor(() => pipeline.events.length === 4, { timeoutMs: 15_000, message: 'the episode ends were not written' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pipeline.events.map((event) => `${event.vehicleId} ${event.type} ${event.ts - T0}`).sort()).toEqual([
      'van-1 OVERSPEED 6000',
      'van-1 OVERSPEED_END 9000',
      'van-2 OVERSPEED 6000',
      'van-2 OVERSPEED_END 9000',
    ]);
  });

  it('between checkpoints nothing is committed; a crash replays from the last checkpoint and writes no event twice', async () => {
    const { pipeline, producer } = await startPipeline('checkpoints');
    const speeding = (seconds: number[]) =>
      seconds.flatMap((s) => ['van-1', 'van-2'].map((vehicleId) => reading(vehicleId, T0 + s * 1000, s === 0 ? 100 : 140, calm)));

    // A long interval: two batches (the second confirms both episodes) and no checkpoint yet.
    const first = await startInstance(pipeline, producer, 60_000);
    await first.handle(await batchOf(pipeline, speeding([0, 1, 2, 3]), 0));
    await first.handle(await batchOf(pipeline, speeding([4, 5, 6, 7]), 8));
    await waitFor(() => pipeline.events.length === 2, { timeoutMs: 15_000, message: 'the first owner wrote no events' });
    expect(first.commits).toEqual([]);

    // It dies: the next owner finds no state, replays both batches from offset 0, drops the two
    // events already written, and its checkpoint on a graceful stop commits everything it handled.
    const second = await startInstance(pipeline, producer, 60_000);
    await second.handle(await batchOf(pipeline, speeding([0, 1, 2, 3]), 0));
    await second.handle(await batchOf(pipeline, speeding([4, 5, 6, 7]), 8));
    expect(await second.dropped()).toBe(2);
    await second.checkpoints.flushAll();
    expect(second.commits).toEqual([{ topic: pipeline.topics.telemetry, partition: PARTITION, offset: '16' }]);

    // The checkpoint holds the states and the events mark: the third owner continues the episodes.
    const third = await startInstance(pipeline, producer);
    await third.handle(await batchOf(pipeline, [reading('van-1', T0 + 9000, 100, calm), reading('van-2', T0 + 9000, 100, calm)], 16));
    expect(await third.dropped()).toBe(0);
    expect(third.commits).toEqual([{ topic: pipeline.topics.telemetry, partition: PARTITION, offset: '18' }]);
    await waitFor(() => pipeline.events.length === 4, { timeoutMs: 15_000, message: 'the episode ends were not written' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pipeline.events.map((event) => `${event.vehicleId} ${event.type} ${event.ts - T0}`).sort()).toEqual([
      'van-1 OVERSPEED 6000',
      'van-1 OVERSPEED_END 9000',
      'van-2 OVERSPEED 6000',
      'van-2 OVERSPEED_END 9000',
    ]);
  });
});
