import { type AvroDecoder, type BatchConsumer, errorMessage, type Logger, startBatchConsumer } from '@fleet/runtime';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { createDlqPublisher } from '../adapters/dlq-publisher';
import { createInfluxWriter, type InfluxTarget, type LineWriter, type WritePrecision } from '../adapters/influx-writer';
import type { SinksConfig, StreamConfig } from '../config';
import type { LineResult } from '../domain/line-protocol';
import type { SinkMetrics } from '../metrics';
import { createPipelinedCommits } from './pipelined-commits';
import { createSinkHandler } from './sink-handler';
import { type BatcherStats, createWriteBatcher } from './write-batcher';

export interface SinkStreamOptions<V> {
  measurement: string;
  stream: StreamConfig;
  config: Pick<SinksConfig, 'batch' | 'backoff' | 'kafka'>;
  influx: InfluxTarget;
  precision: WritePrecision;
  kafka: Kafka;
  producer: Producer;
  decode: AvroDecoder<V>;
  toLine: (value: V) => LineResult;
  metrics: SinkMetrics;
  log: Logger;
  /** Replaces the HTTP writer (tests count or fail writes through it). */
  writer?: LineWriter;
}

export interface SinkStream {
  consumer: BatchConsumer;
  stats: () => BatcherStats & { deadLetters: number; pointsWritten: number; uncommittedBatches: number };
  /** True once joined and while the last InfluxDB write did not fail transiently. */
  isReady: () => boolean;
  isInfluxAvailable: () => boolean;
  stop: () => Promise<void>;
}

/** One topic → one measurement: a consumer group, its write batcher and its dead-letter topic. */
export async function startSinkStream<V>(options: SinkStreamOptions<V>): Promise<SinkStream> {
  const { measurement, metrics, config } = options;
  const log = options.log.child({ measurement, topic: options.stream.topic });
  const writer = options.writer ?? createInfluxWriter(options.influx, options.precision);
  let influxAvailable = true;
  let deadLetters = 0;
  let pointsWritten = 0;
  metrics.influxAvailable.set({ measurement }, 1);

  const batcher = createWriteBatcher<KafkaMessage>({
    writer,
    batchSize: config.batch.size,
    maxWaitMs: config.batch.flushMs,
    idleMs: config.batch.idleMs,
    maxPending: config.batch.maxPending,
    concurrency: config.batch.writeConcurrency,
    backoff: config.backoff,
    onRetry: (error, attempt, delayMs) => {
      const code = (error as { code?: unknown }).code;
      metrics.retries.inc({ measurement, code: typeof code === 'string' ? code : 'UNKNOWN' });
      const level = attempt === 0 ? 'warn' : 'debug';
      log[level]({ attempt, delayMs, error: errorMessage(error) }, 'InfluxDB write failed transiently; partition waits and retries');
    },
    onRequest: (seconds, outcome) => metrics.writeDuration.observe({ measurement, outcome }, seconds),
    onWritten: (points) => {
      pointsWritten += points;
      metrics.pointsWritten.inc({ measurement }, points);
    },
    onAvailability: (available) => {
      if (available !== influxAvailable) log.info({ available }, available ? 'InfluxDB writes succeed again' : 'InfluxDB unavailable');
      influxAvailable = available;
      metrics.influxAvailable.set({ measurement }, available ? 1 : 0);
    },
  });

  const handle = createSinkHandler<V>({
    decode: options.decode,
    toLine: options.toLine,
    batcher,
    dlq: createDlqPublisher(options.producer, options.stream.dlqTopic),
    onDeadLetters: (letters) => {
      deadLetters += letters.length;
      for (const letter of letters) {
        metrics.deadLetters.inc({ measurement, reason: letter.reason });
        log.warn({ reason: letter.reason, error: letter.error, offset: letter.message.offset }, 'record dead-lettered');
      }
    },
  });

  let consumer: BatchConsumer | undefined;
  const pipeline = createPipelinedCommits({
    handle,
    commit: (offsets) => consumer?.commit(offsets) ?? Promise.resolve(false),
    log,
    onChange: () => {
      metrics.pendingLines.set({ measurement }, batcher.stats().pending);
      metrics.uncommittedBatches.set({ measurement }, pipeline.uncommitted());
    },
  });

  consumer = await startBatchConsumer({
    kafka: options.kafka,
    groupId: options.stream.groupId,
    topics: [options.stream.topic],
    log,
    consumerConfig: { maxBytesPerPartition: config.kafka.maxBytesPerPartition },
    // Partitions handled together share InfluxDB writes.
    partitionsConsumedConcurrently: config.kafka.partitionsConcurrency,
    // A batch's handle returns once its lines are admitted, so InfluxDB writes one fetch while the
    // next is fetched and decoded; its offsets are committed once it is durable (in order).
    commit: 'by-caller',
    handle: pipeline.handle,
    onGroupJoin: pipeline.onGroupJoin,
  });
  const running = consumer;

  return {
    consumer: running,
    stats: () => ({ ...batcher.stats(), deadLetters, pointsWritten, uncommittedBatches: pipeline.uncommitted() }),
    isReady: () => running.isReady() && influxAvailable,
    isInfluxAvailable: () => influxAvailable,
    stop: async () => {
      // Still a group member while the last admitted batches become durable and are committed.
      await pipeline.finish(running.drain);
      await running.stop();
      batcher.close();
    },
  };
}
