import { jsonRecordParser, type Logger, startTableFollower } from '@fleet/runtime';
import type { Kafka } from 'kafkajs';
import type { z } from 'zod';

/**
 * The in-memory view of one compacted topic (key → latest valid value; tombstones delete), kept by
 * the runtime's table follower. Values are JSON validated with the record schema; an invalid value
 * is logged and ignored (the previous value stays), so one bad write cannot take the service down.
 */
export interface Table<V> {
  readonly topic: string;
  get(key: string): V | undefined;
  has(key: string): boolean;
  values(): IterableIterator<V>;
  readonly size: number;
  /**
   * Waits until everything written to the topic so far (e.g. a write Kafka just acknowledged with
   * acks=all) has been applied: read-your-writes. Fails with a retriable TABLE_SYNC_TIMEOUT.
   */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

export interface TableSpec<S extends z.ZodType = z.ZodType> {
  topic: string;
  schema: S;
}

export interface TableOptions {
  kafka: Kafka;
  log: Logger;
  /** Prefix of each table's throw-away consumer group (every instance reads every partition). */
  groupIdPrefix: string;
  /** How long sync() waits before failing with a retriable error. */
  syncTimeoutMs?: number;
}

/** Follows one compacted topic from the beginning and resolves once it was read to its end. */
export async function startTable<S extends z.ZodType>(spec: TableSpec<S>, options: TableOptions): Promise<Table<z.output<S>>> {
  const { topic } = spec;
  const syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
  const follower = await startTableFollower<z.output<S>>({
    kafka: options.kafka,
    topic,
    parse: jsonRecordParser(topic, spec.schema, options.log),
    log: options.log,
    groupIdPrefix: options.groupIdPrefix,
  });

  try {
    // The start-up read may take longer than one sync on a large table: no timeout for it.
    await follower.caughtUp({ timeoutMs: null });
  } catch (error) {
    await follower.stop();
    throw error;
  }
  options.log.info({ topic, records: follower.table.size }, 'table loaded');
  return {
    topic,
    get: (key) => follower.table.get(key),
    has: (key) => follower.table.has(key),
    values: () => follower.table.values(),
    get size() {
      return follower.table.size;
    },
    // Fails with a retriable TABLE_SYNC_TIMEOUT, which the API answers with 503.
    sync: () => follower.caughtUp({ timeoutMs: syncTimeoutMs }),
    stop: follower.stop,
  };
}

type Tables<Specs extends Record<string, TableSpec>> = { [K in keyof Specs]: Table<z.output<Specs[K]['schema']>> };

/** Starts several tables at once (each read to its end); if one fails, the others are stopped again. */
export async function startTables<Specs extends Record<string, TableSpec>>(specs: Specs, options: TableOptions): Promise<Tables<Specs>> {
  const names = Object.keys(specs);
  const results = await Promise.allSettled(names.map((name) => startTable(specs[name] as TableSpec, options)));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await stopTables(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
    throw failed.reason;
  }
  const started = results.map((result) => (result as PromiseFulfilledResult<Table<unknown>>).value);
  return Object.fromEntries(names.map((name, index) => [name, started[index]])) as Tables<Specs>;
}

export async function stopTables(tables: Iterable<Pick<Table<unknown>, 'stop'>>): Promise<void> {
  await Promise.all([...tables].map((table) => table.stop()));
}
