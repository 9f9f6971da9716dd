import { connect as netConnect } from 'node:net';
import { type TelemetryReading, telemetryAvroSchema } from '@fleet/contracts';
import { createAvroSerde, createKafka, type Env, silentLogger } from '@fleet/runtime';
import type { Kafka, KafkaMessage } from 'kafkajs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type BridgeApp, createApp } from '../../src/app';
import { type BridgeConfig, loadBridgeConfig } from '../../src/config';
import { testInfra, uniqueName, waitUntil } from './infra';

export interface TestBridge {
  app: BridgeApp;
  config: BridgeConfig;
  /** A kafkajs client straight to the broker (never through a test proxy). */
  kafka: Kafka;
  topics: { telemetry: string; dlq: string };
}

/** A kafkajs client whose every broker connection goes through a local proxy port. */
export function kafkaViaProxy(proxyPort: number, clientId: string): Kafka {
  return createKafka({
    brokers: [`127.0.0.1:${proxyPort}`],
    clientId,
    log: silentLogger(),
    extra: {
      // The broker advertises its real address; route those connections through the proxy too.
      socketFactory: ({ onConnect }) => {
        const socket = netConnect({ host: '127.0.0.1', port: proxyPort }, onConnect);
        socket.setKeepAlive(true, 30_000);
        return socket;
      },
      retry: { initialRetryTime: 100, retries: 3, maxRetryTime: 1000 },
      connectionTimeout: 1000,
      requestTimeout: 5000,
    },
  });
}

/** Starts the real bridge (embedded broker on ephemeral ports) with topics of its own. */
export async function startTestBridge(env: Env = {}, kafka?: Kafka): Promise<TestBridge> {
  const infra = testInfra();
  const topics = { telemetry: uniqueName('bridge-telemetry'), dlq: uniqueName('bridge-dlq') };
  const config = loadBridgeConfig({
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    TELEMETRY_TOPIC: topics.telemetry,
    DLQ_TOPIC: topics.dlq,
    TOPIC_PARTITIONS: '3',
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    OPS_PORT: '0',
    ...env,
  });
  const direct = createKafka({ brokers: infra.kafkaBrokers, clientId: 'bridge-test', log: silentLogger() });
  const app = await createApp({ config, log: silentLogger(), kafka: kafka ?? direct });
  return { app, config, kafka: direct, topics: config.topics };
}

export async function connectDevice(port: number, options: IClientOptions = {}, protocol = 'mqtt'): Promise<MqttClient> {
  return mqtt.connectAsync(`${protocol}://127.0.0.1:${port}`, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
}

/** Reads `count` records of a topic from the beginning with a fresh consumer group. */
export async function readRecords(kafka: Kafka, topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('bridge-test-reader'), maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await waitUntil(() => messages.length >= count, `${count} records on ${topic} (have ${messages.length})`, timeoutMs);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Total records written to a topic so far (sum of high watermarks). */
export async function recordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export function telemetryDecoder() {
  return createAvroSerde({ registryUrl: testInfra().registryUrl }).decoderFor<TelemetryReading>(telemetryAvroSchema);
}

let seq = 0;
export function reading(vehicleId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { vehicleId, ts: Date.now(), seq: seq++, lat: 52.52, lon: 13.405, speedKph: 42.5, ...overrides };
}
