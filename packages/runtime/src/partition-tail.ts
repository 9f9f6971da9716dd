import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { AppError } from './app-error';
import { type RetryOptions, retryTransient } from './backoff';
import { classifyKafkaError } from './kafka-errors';

export interface PartitionTailOptions {
  kafka: Kafka;
  topic: string;
  partition: number;
  /** First offset wanted; an offset already removed by retention starts at the oldest one kept. */
  fromOffset: bigint;
  /** Prefix of the throw-away consumer group used for the read. */
  groupIdPrefix: string;
  /** Default 60 s; the read fails with a retriable PARTITION_READ_TIMEOUT after it. */
  timeoutMs?: number;
  /** While Kafka is unreachable: when to give up (RetryAbortedError) and what to do meanwhile (heartbeats). */
  retry?: Pick<RetryOptions, 'shouldContinue' | 'whileWaiting'>;
}

/**
 * Reads one partition from `fromOffset` up to its end at the time of the call. kafkajs has no
 * group-less assign(), so a disposable consumer group joins, seeks and leaves; when there is
 * nothing to read (the usual case) no consumer is created at all.
 */
export async function readPartitionTail(options: PartitionTailOptions): Promise<KafkaMessage[]> {
  const { kafka, topic, partition } = options;
  const admin = kafka.admin();
  await admin.connect();
  let bounds: { low: bigint; high: bigint };
  try {
    const offsets = await retryTransient(
      () => admin.fetchTopicOffsets(topic).catch((error: unknown) => Promise.reject(classifyKafkaError(error))),
      options.retry,
    );
    const own = offsets.find((entry) => entry.partition === partition);
    if (own === undefined) throw new AppError('UNKNOWN_PARTITION', `${topic} has no partition ${partition}`, { retriable: false });
    bounds = { low: BigInt(own.low), high: BigInt(own.high) };
  } finally {
    await admin.disconnect();
  }
  const from = options.fromOffset > bounds.low ? options.fromOffset : bounds.low;
  if (from >= bounds.high) return [];
  return consumeRange(options, from, bounds.high);
}

async function consumeRange(options: PartitionTailOptions, from: bigint, until: bigint): Promise<KafkaMessage[]> {
  const { kafka, topic, partition } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const consumer = kafka.consumer({ groupId: `${options.groupIdPrefix}-${randomUUID()}`, maxWaitTimeInMs: 250 });
  const messages: KafkaMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    // Other partitions start at their end (no committed offsets, not from the beginning): they cost nothing.
    await consumer.subscribe({ topic, fromBeginning: false });
    let complete: () => void = () => {};
    const completed = new Promise<void>((resolve) => {
      complete = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset >= from && offset < until) messages.push(message);
        }
        if (BigInt(batch.lastOffset()) + 1n >= until) complete();
      },
    });
    // seek() needs a running consumer; it replaces the start position before the next fetch.
    consumer.seek({ topic, partition, offset: from.toString() });
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new AppError('PARTITION_READ_TIMEOUT', `timed out after ${timeoutMs} ms reading ${topic}[${partition}] from ${from}`, {
              retriable: true,
            }),
          ),
        timeoutMs,
      );
    });
    await Promise.race([completed, timedOut]);
    return messages;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
