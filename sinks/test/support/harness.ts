import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent, valueSubject } from '@fleet/contracts';
import { type InfluxEndpoint, influxEnv, serviceEnv } from '@fleet/infra';
import { createAvroSerde, createKafka, createLogger, createProducer, ensureTopics, Registry } from '@fleet/runtime';
import { getInfra, type InfraEndpoints, uniqueName, waitFor } from '@fleet/testkit';
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fetchLag } from '../../src/adapters/lag-monitor';
import { type App, type AppDependencies, createApp } from '../../src/app';
import { loadSinksConfig, type SinksConfig } from '../../src/config';

export const log = createLogger({ service: 'sinks-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Config for one test: the real infrastructure, unique topics and groups, small partitions count. */
export function testConfig(infra: InfraEndpoints, env: Record<string, string> = {}): SinksConfig {
  const id = uniqueName('sinks');
  return loadSinksConfig({
    ...serviceEnv(infra),
    TELEMETRY_TOPIC: `${id}.telemetry`,
    EVENTS_TOPIC: `${id}.events`,
    TELEMETRY_DLQ_TOPIC: `${id}.telemetry.sink-dlq`,
    EVENTS_DLQ_TOPIC: `${id}.events.sink-dlq`,
    TELEMETRY_GROUP_ID: `${id}-telemetry`,
    EVENTS_GROUP_ID: `${id}-events`,
    TOPIC_PARTITIONS: '3',
    LAG_POLL_MS: '1000',
    ...env,
  });
}

export async function startApp(config: SinksConfig, extra: Partial<AppDependencies> = {}): Promise<App & { metrics: Registry }> {
  const metrics = new Registry();
  const app = await createApp({ config, log, metrics, opsServer: false, ...extra });
  return { ...app, metrics };
}

export interface TestKafka {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  sendReadings(topic: string, readings: readonly TelemetryReading[]): Promise<void>;
  sendEvents(topic: string, events: readonly VehicleEvent[]): Promise<void>;
  sendRaw(topic: string, key: string, value: Buffer): Promise<void>;
  /** Waits until the group committed every offset of the topic. */
  waitCommitted(groupId: string, topic: string, timeoutMs?: number): Promise<void>;
  readAll(topic: string, count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  close(): Promise<void>;
}

export async function connectKafka(infra: InfraEndpoints, topics: string[]): Promise<TestKafka> {
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'sinks-test', log });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topics.map((topic) => ({ topic, numPartitions: 3 })));
  const producer = createProducer(kafka);
  await producer.connect();
  const serde = createAvroSerde({ registryUrl: infra.registryUrl });
  const consumers: { disconnect: () => Promise<void> }[] = [];

  return {
    kafka,
    admin,
    producer,
    async sendReadings(topic, readings) {
      const encode = await serde.encoderFor<TelemetryReading>(valueSubject(topic), telemetryAvroSchema);
      await producer.send({ topic, messages: readings.map((r) => ({ key: r.vehicleId, value: encode(r) })) });
    },
    async sendEvents(topic, events) {
      const encode = await serde.encoderFor<VehicleEvent>(valueSubject(topic), eventAvroSchema);
      await producer.send({ topic, messages: events.map((e) => ({ key: e.vehicleId, value: encode(e) })) });
    },
    async sendRaw(topic, key, value) {
      await producer.send({ topic, messages: [{ key, value }] });
    },
    async waitCommitted(groupId, topic, timeoutMs = 60_000) {
      await waitFor(
        async () => {
          const lag = await fetchLag(admin, { groupId, topic });
          return [...lag.values()].every((value) => value === 0);
        },
        { timeoutMs, intervalMs: 250, message: `group ${groupId} to commit ${topic}` },
      );
    },
    async readAll(topic, count, timeoutMs = 30_000) {
      const consumer = kafka.consumer({ groupId: uniqueName('sinks-test-reader') });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const messages: KafkaMessage[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(() => messages.length >= count, { timeoutMs, message: `${count} messages on ${topic}` });
      await consumer.disconnect();
      return messages;
    },
    async close() {
      for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

export type Row = Record<string, unknown>;

/** One InfluxDB the sinks are tested against, and the INFLUX_* variables an operator would set for it. */
export interface InfluxUnderTest {
  name: string;
  influx: InfluxEndpoint;
  env: Record<string, string>;
}

/**
 * The servers the same sink code must work against: InfluxDB 1.8 (bucket `database/retention
 * policy`, org and token ignored) and InfluxDB 2.x (org, bucket, token). Both are local servers
 * unless INFLUX_URL / INFLUX2_URL point elsewhere.
 */
export function influxTargets(infra: InfraEndpoints): InfluxUnderTest[] {
  return [
    { name: `InfluxDB 1.8 (bucket ${infra.influx.bucket})`, influx: infra.influx },
    { name: `InfluxDB 2.x (org ${infra.influx2.org}, bucket ${infra.influx2.bucket}, token)`, influx: infra.influx2 },
  ].map((target) => ({ ...target, env: influxEnv(target.influx) }));
}

export function influxQuery(influx: InfluxEndpoint) {
  const client = new InfluxDB({ url: influx.url, token: influx.token });
  const queryApi = client.getQueryApi(influx.org);
  const [database, retentionPolicy] = influx.bucket.split('/');
  const auth = { authorization: `Token ${influx.token}` };
  return {
    bucket: influx.bucket,
    flux: (query: string) => queryApi.collectRows<Row>(query),
    /** The raw annotated CSV lines of a Flux query (types in the #datatype annotation). */
    fluxLines: (query: string) => queryApi.collectLines(query),
    /** Telemetry points of one vehicle, one row per point with every field (pivoted). */
    telemetryOf: (vehicleId: string, fromMs: number, toMs: number) =>
      queryApi.collectRows<Row>(`from(bucket: "${influx.bucket}")
  |> range(start: ${new Date(fromMs).toISOString()}, stop: ${new Date(toMs).toISOString()})
  |> filter(fn: (r) => r._measurement == "telemetry" and r.vehicle_id == "${vehicleId}")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> sort(columns: ["_time"])`),
    /**
     * InfluxQL over the 1.x /query endpoint: on 1.8 the database of `db/rp`, on 2.x the database
     * mapped to the bucket (dbrp), with the token.
     */
    async influxql(query: string): Promise<unknown> {
      const params = new URLSearchParams({ db: database ?? influx.bucket, q: query, epoch: 'ms', ...(retentionPolicy ? { rp: retentionPolicy } : {}) });
      const response = await fetch(`${influx.url}/query?${params}`, { headers: auth });
      return response.json();
    },
    /** Writes raw line protocol (test set-up such as a conflicting field type). */
    async writeLines(lines: string, precision = 'ms'): Promise<Response> {
      return fetch(
        `${influx.url}/api/v2/write?org=${encodeURIComponent(influx.org)}&bucket=${encodeURIComponent(influx.bucket)}&precision=${precision}`,
        { method: 'POST', body: lines, headers: auth },
      );
    },
  };
}

export { getInfra, uniqueName, waitFor };
