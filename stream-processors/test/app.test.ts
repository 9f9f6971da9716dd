import { DLQ_HEADERS } from '@fleet/contracts';
import { createAvroSerde, createMetricsRegistry, headerString, silentLogger } from '@fleet/runtime';
import { getInfra, waitFor } from '@fleet/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessorApp, startProcessorApp } from '../src/app';
import { DEFAULT_DETECTOR_CONFIG } from '../src/domain/detector-config';
import { createPipelineTopics, type PipelineTopics, reading } from './support/pipeline-topics';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startApp(pipeline: PipelineTopics): Promise<ProcessorApp> {
  const app = await startProcessorApp({
    kafka: pipeline.kafka,
    serde: createAvroSerde({ registryUrl: getInfra().registryUrl }),
    log: silentLogger(),
    metrics: createMetricsRegistry('test'),
    config: { groupId: pipeline.groupId, topics: pipeline.topics, partitions: 3, detector: DEFAULT_DETECTOR_CONFIG },
  });
  cleanups.push(app.stop);
  return app;
}

describe('stream processors on real Kafka', () => {
  it('turns scenario readings into exactly the expected events, using registry limits and geofences', async () => {
    const pipeline = await createPipelineTopics('processors');
    cleanups.push(pipeline.close);
    await pipeline.sendRegistry(pipeline.topics.vehicles, 'van-1', { id: 'van-1', ownerId: 'o1', name: 'Van 1', speedLimitKph: 80 });
    await pipeline.sendRegistry(pipeline.topics.geofences, 'depot', {
      id: 'depot',
      name: 'Depot',
      shape: { type: 'Circle', center: [13.405, 52.52], radiusM: 200 },
    });
    await startApp(pipeline);

    const speeds = [70, 90, 92, 95, 93, 91, 90, 70, 70];
    // The IMU reports gentle acceleration, so the speed steps are not harsh manoeuvres.
    const calm = { accelLongMps2: 0.5 };
    const readings = speeds.map((speed, i) => reading('van-1', T0 + i * 1000, speed, calm));
    // Leaves the depot: two readings outside confirm the exit.
    readings.push(
      reading('van-1', T0 + 9000, 50, { ...calm, lat: 52.53 }),
      reading('van-1', T0 + 10_000, 50, { ...calm, lat: 52.531 }),
    );
    // A harsh brake reported by the IMU over two readings: one event with the peak.
    readings.push(
      reading('van-1', T0 + 11_000, 45, { lat: 52.531, accelLongMps2: -4.2 }),
      reading('van-1', T0 + 12_000, 30, { lat: 52.531, accelLongMps2: -6.1 }),
      reading('van-1', T0 + 13_000, 28, { lat: 52.531, accelLongMps2: -0.5 }),
    );
    await pipeline.sendReadings(readings);
    await pipeline.sendRaw('van-1', Buffer.from('not avro'));
    // Redelivered readings (at-least-once upstream) change nothing.
    await pipeline.sendReadings(readings.slice(0, 8));

    await waitFor(() => pipeline.events.length >= 4, { timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const byType = (type: string) => pipeline.events.find((event) => event.type === type);
    expect(pipeline.events.map((event) => event.type).sort()).toEqual(
      ['GEOFENCE_EXIT', 'HARSH_BRAKING', 'OVERSPEED', 'OVERSPEED_END'].sort(),
    );
    expect(byType('OVERSPEED')).toMatchObject({ vehicleId: 'van-1', ts: T0 + 6000, limitKph: 80 });
    expect(byType('OVERSPEED_END')).toMatchObject({ peakSpeedKph: 95, durationMs: 6000 });
    expect(byType('GEOFENCE_EXIT')).toMatchObject({ geofenceId: 'depot', geofenceName: 'Depot' });
    expect(byType('HARSH_BRAKING')?.accelMps2).toBeCloseTo(-6.1);
    expect(new Set(pipeline.events.map((event) => event.eventId)).size).toBe(4);

    const dlqConsumer = pipeline.kafka.consumer({ groupId: `${pipeline.groupId}-dlq-check` });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: pipeline.topics.dlq, fromBeginning: true });
    const deadLetters: { value: string; reason: string | undefined }[] = [];
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        deadLetters.push({ value: String(message.value), reason: headerString(message.headers, DLQ_HEADERS.reason) });
      },
    });
    await waitFor(() => deadLetters.length === 1, { timeoutMs: 30_000 });
    await dlqConsumer.disconnect();
    expect(deadLetters[0]).toEqual({ value: 'not avro', reason: 'AVRO_NOT_CONFLUENT' });
  });
});
