import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { RetryAbortedError } from './backoff';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Keeps the group membership alive during long work (retries while a dependency is down). */
  heartbeat: () => Promise<void>;
  /** False once the partition was revoked or the consumer is stopping: stop retrying, resolve nothing. */
  isActive: () => boolean;
}

/** The offset of the first record of a partition that is not yet durable. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  /** Kafka's committed-offset convention: the next record to read. */
  offset: string;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  log: Logger;
  metrics?: Registry;
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Partitions handled at the same time (kafkajs partitionsConsumedConcurrently); default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Makes the batch's effects durable. When it returns, every message of the batch is resolved
   * and its offset may be committed. Poison records are the handler's to dead-letter; transient
   * failures it retries itself (see retryTransient) while isActive() holds.
   */
  handle: (batch: PartitionBatch) => Promise<void>;
  /** Called on every (re)join with this member's assignment, before any batch of it is handled. */
  onGroupJoin?: (assignment: Record<string, number[]>) => void;
  /**
   * 'after-handle' (default): a batch's offsets are committed as soon as handle returns.
   * 'by-caller': handle returning only lets the consumer fetch on; the caller commits through
   * BatchConsumer.commit once it made the records durable (its own batching, a state flush), and a
   * crash or a rebalance replays from the last commit.
   */
  commit?: 'after-handle' | 'by-caller';
}

export interface BatchConsumer {
  consumer: Consumer;
  isReady: () => boolean;
  /**
   * Commits offsets (mode 'by-caller'). False when the group refused them (rebalanced meanwhile,
   * coordinator gone): not an error, the partition's next owner replays from the previous commit.
   */
  commit: (offsets: readonly PartitionOffset[]) => Promise<boolean>;
  /**
   * Stops fetching and waits for the batches being handled, while staying in the group, so a caller
   * can make its last work durable and commit it before stop().
   */
  drain: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * A kafkajs consumer-group loop with at-least-once semantics: offsets are resolved only after the
 * handler made a batch durable, so a crash replays the batch rather than losing it.
 */
export async function startBatchConsumer(options: BatchConsumerOptions): Promise<BatchConsumer> {
  const { kafka, log } = options;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxBytesPerPartition: 1024 * 1024,
    // Data returns as soon as it exists anyway; a short wait keeps shutdown and rebalances quick.
    maxWaitTimeInMs: 1000,
    ...options.consumerConfig,
  });
  let joined = false;
  let stopping = false;
  const byCaller = options.commit === 'by-caller';
  const handling = new Set<Promise<void>>();
  const lag = options.metrics ? consumerLagGauge(options.metrics) : undefined;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    options.onGroupJoin?.(payload.memberAssignment);
    log.info({ groupId: payload.groupId, assignment: payload.memberAssignment }, 'joined consumer group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
  });
  consumer.on(consumer.events.DISCONNECT, () => {
    joined = false;
  });

  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatchAutoResolve: false,
    autoCommit: !byCaller,
    eachBatch: async (payload: EachBatchPayload) => {
      const { batch } = payload;
      if (batch.messages.length === 0) return;
      const isActive = () => !stopping && payload.isRunning() && !payload.isStale();
      const handled = options.handle({
        topic: batch.topic,
        partition: batch.partition,
        messages: batch.messages,
        heartbeat: payload.heartbeat,
        isActive,
      });
      handling.add(handled);
      try {
        await handled;
      } catch (error) {
        if (error instanceof RetryAbortedError) {
          log.info({ topic: batch.topic, partition: batch.partition }, 'batch abandoned (revoked or stopping); it will be replayed');
          return;
        }
        throw error;
      } finally {
        handling.delete(handled);
      }
      payload.resolveOffset(batch.lastOffset());
      if (!byCaller) await payload.commitOffsetsIfNecessary();
      lag?.set({ group: options.groupId, topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    },
  });

  return {
    consumer,
    isReady: () => joined,
    commit: async (offsets) => {
      if (offsets.length === 0) return true;
      try {
        await consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
        return true;
      } catch (error) {
        log.info({ err: error, offsets }, 'offset commit refused; the next owner replays from the previous commit');
        return false;
      }
    },
    drain: async () => {
      consumer.pause(options.topics.map((topic) => ({ topic })));
      await Promise.allSettled([...handling]);
    },
    stop: async () => {
      stopping = true;
      await consumer.disconnect();
    },
  };
}

/** One lag gauge per registry, shared by every consumer of a service (labelled by group). */
function consumerLagGauge(registry: Registry): Gauge {
  const name = 'kafka_consumer_lag';
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({
      name,
      help: 'Messages between the last fetched offset and the partition high watermark',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    })
  );
}
