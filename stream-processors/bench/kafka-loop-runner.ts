/**
 * One measured phase of the Kafka-loop benchmark, in a process of its own (forked by
 * kafka-loop.bench.ts) so CPU time, RSS and GC of the processor and of the baseline do not mix.
 *
 *   processor  startProcessorApp in-process: decode → detectors → events per batch, changelog at checkpoints
 *   baseline   the same consumer loop (startBatchConsumer: eachBatch, offsets resolved and committed
 *              after the batch's send was acknowledged) forwarding each record's key and value
 *              unchanged to another topic with the same idempotent, acks=all producer
 *   consume    the same consumer loop with nothing to do: the ceiling set by kafkajs fetching,
 *              decoding record batches and committing
 *
 * The window runs from the first batch the group's consumer starts to the commit that covers the
 * last record, both observed through kafkajs instrumentation events, so group join and start-up
 * are reported apart from the steady-state rate.
 */
import {
  createAvroSerde,
  createLogger,
  createMetricsRegistry,
  createProducer,
  DEFAULT_MAX_REQUEST_BYTES,
  splitIntoRequests,
  startBatchConsumer,
} from '@fleet/runtime';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { startProcessorApp } from '../src/app';
import { DEFAULT_DETECTOR_CONFIG } from '../src/domain/detector-config';
import { TELEMETRY_CONSUMER_CONFIG } from '../src/adapters/telemetry-consumer-config';
import { type BenchRun, benchKafka } from './kafka-loop-fixture';

export type Role = 'processor' | 'baseline' | 'consume';

export interface PhaseResult {
  role: Role;
  complete: boolean;
  readings: number;
  /** Child start (incl. tsx compile, connect, group join) to the first batch. */
  startupSeconds: number;
  wallSeconds: number;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  batches: number;
  peakRssMb: number;
  heapUsedMb: number;
  /** Processor only: from its metrics registry. */
  stateVehicles?: number;
  eventsByType?: Record<string, number>;
  readingsByOutcome?: Record<string, number>;
}

interface Window {
  firstBatchAt?: bigint;
  /** performance.now() at the first batch: ms since this process started. */
  firstBatchAtMs?: number;
  cpuAtFirst?: NodeJS.CpuUsage;
  batches: number;
  committed: Map<number, number>;
}

/** Wraps kafka.consumer so the consumer of `groupId` reports its batches and commits to `window`. */
function observeGroup(kafka: Kafka, groupId: string, window: Window, onCommit: () => void): void {
  const createConsumer = kafka.consumer.bind(kafka);
  kafka.consumer = (config: ConsumerConfig): Consumer => {
    const consumer = createConsumer(config);
    if (config.groupId !== groupId) return consumer;
    consumer.on(consumer.events.START_BATCH_PROCESS, () => {
      if (window.firstBatchAt === undefined) {
        window.firstBatchAt = process.hrtime.bigint();
        window.firstBatchAtMs = performance.now();
        window.cpuAtFirst = process.cpuUsage();
      }
      window.batches++;
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const topic of payload.topics) {
        for (const { partition, offset } of topic.partitions) window.committed.set(Number(partition), Number(offset));
      }
      onCommit();
    });
    return consumer;
  };
}

async function startPhase(role: Role, run: BenchRun, kafka: Kafka): Promise<{ stop: () => Promise<void>; metrics: () => Promise<Partial<PhaseResult>> }> {
  const log = createLogger({ service: `bench-${role}`, level: 'warn' });
  const metrics = createMetricsRegistry(`bench-${role}`);
  if (role === 'processor') {
    const app = await startProcessorApp({
      kafka,
      serde: createAvroSerde({ registryUrl: run.options.registryUrl }),
      log,
      metrics,
      config: {
        groupId: run.groups.processor,
        topics: run.topics,
        partitions: run.options.partitions,
        detector: DEFAULT_DETECTOR_CONFIG,
        stateFlushMs: run.options.stateFlushMs,
      },
    });
    return {
      stop: app.stop,
      metrics: async () => {
        const byLabel = async (name: string, label: string) => {
          const values = (await metrics.getSingleMetric(name)?.get())?.values ?? [];
          return Object.fromEntries(values.map((v) => [String(v.labels[label] ?? ''), v.value]));
        };
        const state = (await metrics.getSingleMetric('processor_state_vehicles')?.get())?.values[0]?.value;
        return {
          stateVehicles: state,
          eventsByType: await byLabel('processor_events_total', 'type'),
          readingsByOutcome: await byLabel('processor_readings_total', 'outcome'),
        };
      },
    };
  }
  const producer = createProducer(kafka);
  await producer.connect();
  const forward = role === 'baseline';
  const consumer = await startBatchConsumer({
    kafka,
    groupId: run.groups[role],
    topics: [run.topics.telemetry],
    log,
    metrics,
    consumerConfig: TELEMETRY_CONSUMER_CONFIG,
    handle: async (batch) => {
      if (!forward) return;
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
      // Requests bounded like the processor's, or a large batch exceeds the broker's message size.
      for (const topicMessages of splitIntoRequests([{ topic: run.topics.forward, messages }], DEFAULT_MAX_REQUEST_BYTES)) {
        await producer.sendBatch({ acks: -1, topicMessages });
      }
    },
  });
  return {
    stop: async () => {
      await consumer.stop();
      await producer.disconnect();
    },
    metrics: async () => ({}),
  };
}

export async function runPhase(role: Role, run: BenchRun, expectedReadings: number): Promise<PhaseResult> {
  const window: Window = { batches: 0, committed: new Map() };
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const committedTotal = () => [...window.committed.values()].reduce((sum, offset) => sum + offset, 0);
  let endedAt: bigint | undefined;
  let cpuAtEnd: NodeJS.CpuUsage | undefined;
  const kafka = benchKafka(run.options, `bench-${role}`);
  observeGroup(kafka, run.groups[role], window, () => {
    if (endedAt === undefined && committedTotal() >= expectedReadings) {
      endedAt = process.hrtime.bigint();
      cpuAtEnd = process.cpuUsage();
      finish();
    }
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 200);

  const phase = await startPhase(role, run, kafka);
  const timedOut = new Promise<void>((resolve) => setTimeout(resolve, run.options.phaseTimeoutMs).unref());
  await Promise.race([finished, timedOut]);
  const end = endedAt ?? process.hrtime.bigint();
  const cpuEnd = cpuAtEnd ?? process.cpuUsage();
  const cpuStart = window.cpuAtFirst ?? cpuEnd;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  clearInterval(sampler);
  const extra = await phase.metrics();
  await phase.stop();
  const first = window.firstBatchAt ?? end;
  return {
    role,
    complete: endedAt !== undefined,
    readings: committedTotal(),
    startupSeconds: (window.firstBatchAtMs ?? performance.now()) / 1000,
    wallSeconds: Number(end - first) / 1e9,
    cpuUserSeconds: (cpuEnd.user - cpuStart.user) / 1e6,
    cpuSystemSeconds: (cpuEnd.system - cpuStart.system) / 1e6,
    batches: window.batches,
    peakRssMb: peakRss / 2 ** 20,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    ...extra,
  };
}

/** Child entry: receives { role, run, expectedReadings } over IPC, answers with a PhaseResult. */
if (process.send !== undefined && process.argv.includes('--kafka-loop-phase')) {
  process.once('message', (message: { role: Role; run: BenchRun; expectedReadings: number }) => {
    runPhase(message.role, message.run, message.expectedReadings).then(
      (result) => process.send?.({ result }, () => process.exit(0)),
      (error: unknown) => process.send?.({ error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
