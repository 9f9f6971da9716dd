import {
  eventAvroSchema,
  type ParsedTelemetry,
  type TelemetryReading,
  telemetryAvroSchema,
  toTelemetryReading,
  type VehicleEvent,
  valueSubject,
} from '@fleet/contracts';
import { createAvroSerde, createKafka, createProducer, ensureTopics, silentLogger } from '@fleet/runtime';
import { getInfra, uniqueName } from '@fleet/testkit';
import type { Consumer, Kafka, Producer } from 'kafkajs';

/** A private set of topics for one test, and the producer/consumer a device-side test needs. */
export interface PipelineTopics {
  kafka: Kafka;
  topics: { telemetry: string; events: string; state: string; dlq: string; vehicles: string; geofences: string };
  groupId: string;
  producer: Producer;
  sendReadings(readings: TelemetryReading[]): Promise<void>;
  sendRaw(vehicleId: string, value: Buffer): Promise<void>;
  sendRegistry(topic: string, key: string, record: object): Promise<void>;
  /** Every event on the events topic so far, decoded by an independent consumer. */
  events: VehicleEvent[];
  close(): Promise<void>;
}

export async function createPipelineTopics(name: string): Promise<PipelineTopics> {
  const infra = getInfra();
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'processor-test', log: silentLogger() });
  const base = uniqueName(name);
  const topics = {
    telemetry: `${base}.telemetry`,
    events: `${base}.events`,
    state: `${base}.state`,
    dlq: `${base}.dlq`,
    vehicles: `${base}.vehicles`,
    geofences: `${base}.geofences`,
  };
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [
    { topic: topics.telemetry, numPartitions: 3 },
    { topic: topics.events, numPartitions: 3 },
    { topic: topics.vehicles, numPartitions: 1, compacted: true },
    { topic: topics.geofences, numPartitions: 1, compacted: true },
  ]);
  await admin.disconnect();

  const serde = createAvroSerde({ registryUrl: infra.registryUrl });
  const encode = await serde.encoderFor<TelemetryReading>(valueSubject(topics.telemetry), telemetryAvroSchema);
  const decode = serde.decoderFor<VehicleEvent>(eventAvroSchema);
  const producer = createProducer(kafka);
  await producer.connect();

  const events: VehicleEvent[] = [];
  const consumer: Consumer = kafka.consumer({ groupId: `${base}-observer` });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.events, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) events.push(await decode(message.value));
    },
  });

  return {
    kafka,
    topics,
    groupId: `${base}-processors`,
    producer,
    events,
    async sendReadings(readings) {
      await producer.send({
        topic: topics.telemetry,
        acks: -1,
        messages: readings.map((reading) => ({ key: reading.vehicleId, value: encode(reading) })),
      });
    },
    async sendRaw(vehicleId, value) {
      await producer.send({ topic: topics.telemetry, acks: -1, messages: [{ key: vehicleId, value }] });
    },
    async sendRegistry(topic, key, record) {
      await producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(record) }] });
    },
    async close() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** A reading with everything optional left out (the bridge's own normalisation fills the nulls). */
export function reading(vehicleId: string, ts: number, speedKph: number, extra: Partial<ParsedTelemetry> = {}): TelemetryReading {
  return toTelemetryReading({ vehicleId, ts, lat: 52.52, lon: 13.405, speedKph, ...extra }, ts + 20);
}
