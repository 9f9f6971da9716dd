import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent } from '@fleet/contracts';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  ensureTopics,
  type Logger,
  type OpsServer,
  type Registry,
  startOpsServer,
} from '@fleet/runtime';
import type { InfluxTarget, LineWriter } from './adapters/influx-writer';
import { startLagMonitor } from './adapters/lag-monitor';
import type { SinksConfig } from './config';
import { EVENTS_MEASUREMENT, eventLine } from './domain/event-line';
import { TELEMETRY_MEASUREMENT, telemetryLine } from './domain/telemetry-line';
import { createSinkMetrics } from './metrics';
import { type SinkStream, startSinkStream } from './pipeline/sink-stream';

export interface AppDependencies {
  config: SinksConfig;
  log: Logger;
  metrics: Registry;
  /** false = no ops HTTP server (tests that start several apps). */
  opsServer?: boolean;
  /** Swaps the InfluxDB writers (tests: a counting or failing writer). */
  writers?: { telemetry?: LineWriter; events?: LineWriter };
}

export interface App {
  telemetry: SinkStream;
  events: SinkStream;
  opsPort: number | undefined;
  stop: () => Promise<void>;
}

/** Wires the two sink streams (telemetry, events), the lag monitor and the ops endpoints. */
export async function createApp(deps: AppDependencies): Promise<App> {
  const { config, log } = deps;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        log.warn({ err: error }, 'error while stopping');
      }
    }
  };
  try {
    const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, log });
    const admin = kafka.admin();
    await admin.connect();
    stops.push(() => admin.disconnect());
    await ensureTopics(
      admin,
      [config.telemetry.topic, config.events.topic, config.telemetry.dlqTopic, config.events.dlqTopic].map((topic) => ({
        topic,
        numPartitions: config.kafka.partitions,
      })),
    );
    const producer = createProducer(kafka);
    await producer.connect();
    stops.push(() => producer.disconnect());

    const serde = createAvroSerde({ registryUrl: config.registryUrl });
    const metrics = createSinkMetrics(deps.metrics);
    const influx: InfluxTarget = config.influx;
    const common = { config, influx, kafka, producer, metrics, log };

    const streams: SinkStream[] = [];
    // The consumers leave their groups at the same time (each may wait for an in-flight fetch).
    stops.push(async () => {
      await Promise.all(streams.map((stream) => stream.stop()));
    });
    const telemetry = await startSinkStream<TelemetryReading>({
      ...common,
      measurement: TELEMETRY_MEASUREMENT,
      stream: config.telemetry,
      precision: 'ms',
      decode: serde.decoderFor<TelemetryReading>(telemetryAvroSchema),
      toLine: telemetryLine,
      ...(deps.writers?.telemetry ? { writer: deps.writers.telemetry } : {}),
    });
    streams.push(telemetry);
    const events = await startSinkStream<VehicleEvent>({
      ...common,
      measurement: EVENTS_MEASUREMENT,
      stream: config.events,
      precision: 'ns',
      decode: serde.decoderFor<VehicleEvent>(eventAvroSchema),
      toLine: eventLine,
      ...(deps.writers?.events ? { writer: deps.writers.events } : {}),
    });
    streams.push(events);

    stops.push(
      startLagMonitor(
        admin,
        [config.telemetry, config.events].map((stream) => ({ groupId: stream.groupId, topic: stream.topic })),
        config.lagPollMs,
        (labels, lag) => metrics.consumerLag.set(labels, lag),
        log,
      ),
    );

    let ops: OpsServer | undefined;
    if (deps.opsServer !== false) {
      ops = await startOpsServer({
        host: config.ops.host,
        port: config.ops.port,
        registry: deps.metrics,
        log,
        readiness: {
          telemetryConsumer: telemetry.consumer.isReady,
          eventsConsumer: events.consumer.isReady,
          influxdb: () => telemetry.isInfluxAvailable() && events.isInfluxAvailable(),
        },
      });
      const server = ops;
      stops.push(() => server.close());
    }
    return { telemetry, events, opsPort: ops?.port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
