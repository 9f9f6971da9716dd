import { randomUUID } from 'node:crypto';
import { AppError, type Logger, retryTransient } from '@fleet/runtime';
import type { Admin, Consumer, Kafka } from 'kafkajs';

/** One record of a compacted topic: key, and the JSON value or null for a tombstone. */
export interface TableRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: Buffer | null;
}

export interface TableFollowerOptions {
  kafka: Kafka;
  topics: string[];
  /** Prefix of the throw-away consumer group (every instance reads every partition). */
  groupPrefix: string;
  log: Logger;
  apply: (record: TableRecord) => void;
  /** How long syncTo waits before failing with a retriable error. */
  syncTimeoutMs?: number;
}

export interface TableFollower {
  /** Resolves once every topic was read to the end it had at start-up. */
  ready: Promise<void>;
  isReady(): boolean;
  /** Waits until everything written to `topic` so far has been applied (read-your-writes). */
  syncTo(topic: string): Promise<void>;
  /** Waits until `partition` of `topic` was applied up to (not including) `nextOffset`. */
  waitForOffset(topic: string, partition: number, nextOffset: number): Promise<void>;
  stop(): Promise<void>;
}

type Targets = Map<string, number>;

interface Waiter {
  targets: Targets;
  resolve: () => void;
}

const slot = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Reads compacted topics as tables: from the beginning, then follows them. Uses a consumer group
 * of its own with a random id and never commits, so every instance sees every partition.
 */
export async function startTableFollower(options: TableFollowerOptions): Promise<TableFollower> {
  const { kafka, log } = options;
  const syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
  const admin: Admin = kafka.admin();
  await admin.connect();
  const next = new Map<string, number>();
  let waiters: Waiter[] = [];
  let ready = false;

  const reached = (targets: Targets) => [...targets].every(([key, offset]) => (next.get(key) ?? 0) >= offset);

  function settle(): void {
    const open: Waiter[] = [];
    for (const waiter of waiters) {
      if (reached(waiter.targets)) waiter.resolve();
      else open.push(waiter);
    }
    waiters = open;
  }

  /** Leadership may still be settling right after a topic was created (NOT_LEADER): retried briefly. */
  function fetchOffsets(topic: string) {
    const deadline = Date.now() + syncTimeoutMs;
    return retryTransient(() => admin.fetchTopicOffsets(topic), {
      backoff: { initialMs: 100, maxMs: 2000 },
      shouldContinue: () => Date.now() < deadline,
    });
  }

  async function endOffsets(topics: string[]): Promise<Targets> {
    const targets: Targets = new Map();
    for (const topic of topics) {
      for (const entry of await fetchOffsets(topic)) {
        const high = Number(entry.high);
        // An empty (or fully expired) partition has nothing to read.
        if (high > Number(entry.low)) targets.set(slot(topic, entry.partition), high);
      }
    }
    return targets;
  }

  function waitFor(targets: Targets, what: string, timeoutMs: number | null = syncTimeoutMs): Promise<void> {
    if (reached(targets)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = timeoutMs === null ? undefined : setTimeout(() => {
        waiters = waiters.filter((waiter) => waiter !== entry);
        reject(new AppError('TABLE_SYNC_TIMEOUT', `${what}: not read back within ${timeoutMs} ms`, { retriable: true }));
      }, syncTimeoutMs);
      const entry: Waiter = {
        targets,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      waiters.push(entry);
    });
  }

  const startTargets = await endOffsets(options.topics);
  // A short fetch wait keeps shutdown quick; reads still return as soon as a record arrives.
  const consumer: Consumer = kafka.consumer({ groupId: `${options.groupPrefix}-${randomUUID()}`, maxWaitTimeInMs: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (message.key === null) continue;
        options.apply({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(message.offset),
          key: message.key.toString('utf8'),
          value: message.value,
        });
      }
      const key = slot(batch.topic, batch.partition);
      const last = batch.messages.length > 0 ? Number(batch.lastOffset()) + 1 : 0;
      next.set(key, Math.max(next.get(key) ?? 0, last));
      settle();
    },
  });

  // The start-up read may take longer than one sync on a large table: no timeout for it.
  const readyPromise = waitFor(startTargets, `reading ${options.topics.join(', ')}`, null).then(() => {
    ready = true;
    log.info({ topics: options.topics }, 'tables loaded');
  });
  return {
    ready: readyPromise,
    isReady: () => ready,
    syncTo: async (topic) => waitFor(await endOffsets([topic]), `syncing ${topic}`),
    waitForOffset: (topic, partition, nextOffset) =>
      waitFor(new Map([[slot(topic, partition), nextOffset]]), `reading back ${topic}/${partition}@${nextOffset - 1}`),
    stop: async () => {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
