import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError } from './app-error';
import { retryTransient } from './backoff';
import { classifyKafkaError } from './kafka-errors';

export interface TableFollowerOptions<V> {
  kafka: Kafka;
  /** A compacted topic: key = id, value = record, null value = deleted. */
  topic: string;
  /** Turns a record value into the table's value; undefined skips a record that does not parse. */
  parse: (key: string, value: Buffer) => V | undefined;
  log: Logger;
  /** Called after each change is applied (value undefined = deleted). */
  onChange?: (key: string, value: V | undefined, partition: number) => void;
  /** Prefix of the throw-away consumer group (each follower reads every partition from the start). */
  groupIdPrefix: string;
}

export interface TableFollower<V> {
  table: ReadonlyMap<string, V>;
  /**
   * Resolves once every partition has been read up to the high watermark at the time of the call
   * (after an acks=all write, that includes the write: read-your-writes). Rejects with a retriable
   * TABLE_SYNC_TIMEOUT after `timeoutMs` (default 60 s; null waits as long as it takes).
   */
  caughtUp: (options?: { partitions?: number[]; timeoutMs?: number | null }) => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Follows a compacted topic from the beginning and keeps it as an in-memory table (a KTable in
 * Kafka Streams terms). Used for registry data and for restoring per-key state from a changelog.
 */
export async function startTableFollower<V>(options: TableFollowerOptions<V>): Promise<TableFollower<V>> {
  const { kafka, topic, log } = options;
  const table = new Map<string, V>();
  const nextOffset = new Map<number, bigint>();
  const waiters = new Set<() => void>();
  let stopped = false;
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({
    groupId: `${options.groupIdPrefix}-${randomUUID()}`,
    // A follower never commits; its group is disposable and expires after it leaves.
    sessionTimeout: 30_000,
    // Short fetch waits: new records show up quickly and stop() is not held by an open fetch.
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (key === undefined) continue;
        const value = message.value === null ? undefined : options.parse(key, message.value);
        if (message.value !== null && value === undefined) {
          log.warn({ topic, key, offset: message.offset }, 'skipping a table record that does not parse');
          continue;
        }
        if (value === undefined) table.delete(key);
        else table.set(key, value);
        options.onChange?.(key, value, batch.partition);
      }
      nextOffset.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
      for (const wake of waiters) wake();
    },
  });

  async function endOffsets(partitions: number[] | undefined) {
    // Right after a topic is created the leader may not be known yet: that is worth a retry.
    const offsets = await retryTransient(
      () => admin.fetchTopicOffsets(topic).catch((error: unknown) => Promise.reject(classifyKafkaError(error))),
      { backoff: { initialMs: 100, maxMs: 1000 }, shouldContinue: () => !stopped },
    );
    return offsets
      .filter((offsets) => partitions === undefined || partitions.includes(offsets.partition))
      // An empty partition (nothing written, or all of it deleted by retention) is caught up from the start.
      .filter(({ high, low }) => BigInt(high) > BigInt(low))
      .map(({ partition, high }) => ({ partition, high: BigInt(high) }));
  }

  async function caughtUp({ partitions, timeoutMs = 60_000 }: { partitions?: number[]; timeoutMs?: number | null } = {}) {
    const highWatermarks = await endOffsets(partitions);
    const isCaughtUp = () => highWatermarks.every(({ partition, high }) => (nextOffset.get(partition) ?? 0n) >= high);
    if (isCaughtUp()) return;
    await new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              waiters.delete(check);
              reject(
                new AppError('TABLE_SYNC_TIMEOUT', `timed out after ${timeoutMs} ms reading ${topic} to its end`, {
                  retriable: true,
                }),
              );
            }, timeoutMs);
      const check = () => {
        if (!isCaughtUp()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  }

  return {
    table,
    caughtUp,
    stop: async () => {
      stopped = true;
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}

/** A table parser for JSON records checked against a zod schema; a bad record is logged and skipped. */
export function jsonRecordParser<S extends z.ZodType>(topic: string, schema: S, log: Logger) {
  return (key: string, value: Buffer): z.output<S> | undefined => {
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      log.warn({ topic, key }, 'ignoring a table record that is not JSON');
      return undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    log.warn({ topic, key, issues: parsed.error.issues }, 'ignoring a table record that does not match its schema');
    return undefined;
  };
}
