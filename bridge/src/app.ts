import { type TelemetryReading, telemetryAvroSchema, valueSubject } from '@fleet/contracts';
import {
  type AvroSerde,
  createAvroSerde,
  createMetricsRegistry,
  createProducer,
  createShutdown,
  ensureTopics,
  errorMessage,
  type Logger,
  type OpsServer,
  type Registry,
  retryTransient,
  type Shutdown,
  startOpsServer,
} from '@fleet/runtime';
import type { Kafka, Producer } from 'kafkajs';
import { type BridgeMetrics, createBridgeMetrics } from './adapters/bridge-metrics';
import { type EmbeddedBroker, startEmbeddedBroker } from './adapters/embedded-broker';
import { type ExternalSubscriber, startExternalSubscriber } from './adapters/external-subscriber';
import { createIngest, type Ingest, type IngestDeps } from './adapters/ingest';
import { createKafkaSender } from './adapters/kafka-sender';
import { RecordBatcher } from './adapters/record-batcher';
import type { BridgeConfig } from './config';

export interface AppDeps {
  config: BridgeConfig;
  log: Logger;
  /** kafkajs client (tests may route it through a proxy they can cut). */
  kafka: Kafka;
  serde?: AvroSerde;
  registry?: Registry;
  producer?: Producer;
  /** Replaces validation + Avro (the benchmark's pass-through baseline). */
  createIngest?: (deps: IngestDeps) => Ingest;
}

export interface BridgeApp {
  /** Bound ports once started. */
  mqttPort: number | null;
  wsPort: number | null;
  opsPort: number;
  metrics: Registry;
  batcher: RecordBatcher;
  isReady(): boolean;
  /** Stop accepting, drain in-flight records, disconnect (idempotent). */
  stop(reason?: string): Promise<void>;
  shutdown: Shutdown;
}

function instrumentedBatcher(config: BridgeConfig, producer: Producer, metrics: BridgeMetrics, log: Logger) {
  let failing = false;
  let lastWarn = 0;
  const batcher = new RecordBatcher({
    send: createKafkaSender(producer),
    lingerMs: config.batch.lingerMs,
    maxRecords: config.batch.maxRecords,
    maxBytes: config.batch.maxBytes,
    maxInFlightRecords: config.batch.maxInFlightRecords,
    maxInFlightBytes: config.batch.maxInFlightBytes,
    onBatch: (report) => {
      if (failing) log.info({ attempts: report.attempts }, 'Kafka writable again');
      failing = false;
      metrics.batch(report);
    },
    onRetry: (error, attempt, delayMs) => {
      failing = true;
      metrics.retry();
      // One line per few seconds at most while Kafka is down, not one per retry.
      if (Date.now() - lastWarn > 5000) {
        lastWarn = Date.now();
        log.warn({ err: errorMessage(error), attempt, delayMs, inFlight: batcher.inFlightRecords }, 'produce failed; retrying');
      }
    },
    onFailed: (error, records) => log.error({ err: error, records }, 'produce failed permanently; records not acknowledged'),
  });
  const timer = setInterval(() => metrics.setInFlight(batcher.inFlightRecords, batcher.inFlightBytes), 1000);
  timer.unref();
  return { batcher, isFailing: () => failing, stopGauge: () => clearInterval(timer) };
}

/**
 * Wires the bridge: Kafka producer and topics, Avro encoder, batcher, MQTT transport (embedded
 * broker or external subscription), ops endpoints and ordered shutdown.
 */
export async function createApp(deps: AppDeps): Promise<BridgeApp> {
  const { config, log, kafka } = deps;
  const registry = deps.registry ?? createMetricsRegistry('bridge');
  const metrics = createBridgeMetrics(registry);
  const shutdown = createShutdown(log);
  let transportReady = () => false;
  let producerConnected = false;
  let kafkaFailing = () => false;

  const ops: OpsServer = await startOpsServer({
    host: config.ops.host,
    port: config.ops.port,
    registry,
    log,
    readiness: { mqtt: () => transportReady(), kafka: () => producerConnected && !kafkaFailing() },
  });
  shutdown.add('ops server', () => ops.close());

  const producer = deps.producer ?? createProducer(kafka);
  producer.on(producer.events.CONNECT, () => {
    producerConnected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    producerConnected = false;
  });
  const onRetry = (error: unknown, attempt: number, delayMs: number) =>
    log.warn({ err: errorMessage(error), attempt, delayMs }, 'Kafka or registry not reachable yet; retrying');
  await retryTransient(() => producer.connect(), { onRetry });
  shutdown.add('kafka producer', () => producer.disconnect());

  const admin = kafka.admin();
  await retryTransient(
    async () => {
      await admin.connect();
      await ensureTopics(admin, [
        { topic: config.topics.telemetry, numPartitions: config.kafka.partitions },
        { topic: config.topics.dlq, numPartitions: config.kafka.partitions },
      ]);
    },
    { onRetry },
  );
  await admin.disconnect();

  const serde = deps.serde ?? createAvroSerde({ registryUrl: config.registryUrl });
  const encode = await retryTransient(
    () => serde.encoderFor<TelemetryReading>(valueSubject(config.topics.telemetry), telemetryAvroSchema),
    { onRetry },
  );

  const { batcher, isFailing, stopGauge } = instrumentedBatcher(config, producer, metrics, log);
  kafkaFailing = isFailing;
  const ingest = (deps.createIngest ?? createIngest)({ encode, topics: config.topics, batcher, metrics });

  let transport: EmbeddedBroker | ExternalSubscriber;
  let mqttPort: number | null = null;
  let wsPort: number | null = null;
  if (config.mqtt.mode === 'embedded') {
    const broker = await startEmbeddedBroker({ ...config.mqtt.embedded, ingest, metrics, log });
    transport = broker;
    mqttPort = broker.port;
    wsPort = broker.wsPort;
    transportReady = () => broker.isListening();
  } else {
    const subscriber = await startExternalSubscriber({ config: config.mqtt.external, ingest, log });
    transport = subscriber;
    transportReady = () => subscriber.isConnected();
  }
  // LIFO: stop accepting, drain (PUBACKs still go out), disconnect MQTT clients, producer, ops.
  shutdown.add('mqtt disconnect', () => transport.close());
  shutdown.add('drain in-flight records', async () => {
    const drained = batcher.drain();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    if ((await Promise.race([drained, timeout])) === 'timeout') {
      log.warn({ inFlight: batcher.inFlightRecords }, 'drain timed out; unwritten records were not acknowledged');
      batcher.abort();
    }
    stopGauge();
  });
  shutdown.add('stop accepting', () => transport.stopAccepting());

  return {
    mqttPort,
    wsPort,
    opsPort: ops.port,
    metrics: registry,
    batcher,
    isReady: () => transportReady() && producerConnected && !kafkaFailing(),
    stop: (reason = 'stop') => shutdown.run(reason),
    shutdown,
  };
}
