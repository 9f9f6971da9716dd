import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

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
  /** Resolves once every partition has been read up to the high watermark at the time of the call. */
  caughtUp: (options?: { partitions?: number[]; timeoutMs?: number }) => Promise<void>;
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
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({
    groupId: `${options.groupIdPrefix}-${randomUUID()}`,
    // A follower never commits; its group is disposable and expires after it leaves.
    sessionTimeout: 30_000,
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

  async function caughtUp({ partitions, timeoutMs = 60_000 }: { partitions?: number[]; timeoutMs?: number } = {}) {
    const highWatermarks = (await admin.fetchTopicOffsets(topic)).filter(
      (offsets) => partitions === undefined || partitions.includes(offsets.partition),
    );
    const isCaughtUp = () =>
      highWatermarks.every(({ partition, high }) => BigInt(high) === 0n || (nextOffset.get(partition) ?? 0n) >= BigInt(high));
    if (isCaughtUp()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms reading ${topic} to its end`));
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
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
