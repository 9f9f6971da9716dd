import { type TelemetryReading, telemetryAvroSchema, valueSubject } from '@fleet/contracts';
import { type InfraEndpoints, serviceEnv } from '@fleet/infra';
import { createAvroSerde, createKafka, createProducer, ensureTopics, silentLogger } from '@fleet/runtime';
import { loadSinksConfig, type SinksConfig } from '../src/config';

/** Vehicles the benchmark readings cycle through. */
export const BENCH_VEHICLES = 1000;

/** `count` readings of 1000 vehicles, one per vehicle and second from `startTs`, most fields set. */
export function benchReadings(prefix: string, count: number, startTs: number): TelemetryReading[] {
  return Array.from({ length: count }, (_, i) => ({
    vehicleId: `${prefix}-${i % BENCH_VEHICLES}`,
    ts: startTs + Math.floor(i / BENCH_VEHICLES) * 1000,
    receivedAt: startTs + Math.floor(i / BENCH_VEHICLES) * 1000 + 40,
    seq: Math.floor(i / BENCH_VEHICLES),
    lat: 48 + (i % 977) / 1000,
    lon: 11 + (i % 613) / 1000,
    speedKph: (i % 1300) / 10,
    headingDeg: i % 360,
    gpsAccuracyM: 3.5,
    accelLongMps2: null,
    rpm: 800 + (i % 3000),
    engineLoadPct: 33.3,
    throttlePct: null,
    fuelLevelPct: 71.5,
    coolantTempC: 88,
    batteryV: 13.9,
    odometerKm: 10_000 + i / 100,
    ignition: true,
    dtc: [],
  }));
}

/** Produces the readings as Confluent Avro to a new 6-partition topic, keyed by vehicle. */
export async function produceReadings(infra: InfraEndpoints, topic: string, items: readonly TelemetryReading[]): Promise<void> {
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'sinks-bench', log: silentLogger() });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ topic, numPartitions: 6 }]);
  await admin.disconnect();
  const producer = createProducer(kafka);
  await producer.connect();
  const encode = await createAvroSerde({ registryUrl: infra.registryUrl }).encoderFor<TelemetryReading>(valueSubject(topic), telemetryAvroSchema);
  for (let i = 0; i < items.length; i += 5000) {
    await producer.send({ topic, messages: items.slice(i, i + 5000).map((r) => ({ key: r.vehicleId, value: encode(r) })) });
  }
  await producer.disconnect();
}

/**
 * The sink's configuration for a benchmark topic: its own consumer groups (`groupSuffix` tells
 * repeated runs apart) and DLQ topics; `env` overrides (batch size, InfluxDB URL or bucket).
 */
export function benchSinkConfig(infra: InfraEndpoints, topic: string, groupSuffix: string, env: Record<string, string>): SinksConfig {
  return loadSinksConfig({
    ...serviceEnv(infra),
    TELEMETRY_TOPIC: topic,
    EVENTS_TOPIC: `${topic}.events`,
    TELEMETRY_DLQ_TOPIC: `${topic}.sink-dlq`,
    EVENTS_DLQ_TOPIC: `${topic}.events.sink-dlq`,
    TELEMETRY_GROUP_ID: `${topic}-g${groupSuffix}`,
    EVENTS_GROUP_ID: `${topic}-ge${groupSuffix}`,
    ...env,
  });
}

/** The middle value (the upper one of an even count): both sink benches report medians of runs. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('median of no values');
  return middle;
}
