import { type Admin, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  /** Extra kafkajs settings (ssl, sasl) for external clusters. */
  extra?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator' | 'logLevel'>;
}

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to the service's pino logger. */
export function createKafka(options: KafkaOptions): Kafka {
  const kafkaLog = options.log.child({ component: 'kafkajs' });
  return new Kafka({
    ...options.extra,
    brokers: options.brokers,
    clientId: options.clientId,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...rest } = log;
        kafkaLog[PINO_LEVEL[level] ?? 'info'](rest, message);
      },
  });
}

/**
 * The one way services produce: idempotent (no duplicates from retries), acks=all (set per send
 * by kafkajs when idempotent), murmur2 partitioner compatible with the Java client, and one
 * request in flight so the idempotent sequence numbers stay in order.
 */
export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...config,
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  compacted?: boolean;
  configs?: Record<string, string>;
}

/** A protocol error the broker marks retriable (e.g. UNKNOWN_TOPIC_OR_PARTITION while a new topic propagates). */
function isRetriableProtocolError(error: unknown): boolean {
  const e = error as { name?: string; retriable?: boolean; errors?: unknown[] };
  if (e?.name === 'KafkaJSAggregateError') return (e.errors ?? []).every(isRetriableProtocolError);
  return e?.name === 'KafkaJSProtocolError' && e.retriable === true;
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits until
 * every partition of every listed topic has a leader, so the caller can subscribe or produce at
 * once. Right after a creation, by this or by another service starting at the same time, the
 * broker may briefly answer metadata requests for the topic with UNKNOWN_TOPIC_OR_PARTITION or
 * LEADER_NOT_AVAILABLE (kafkajs gives up on the first; seen on a busy or freshly started broker):
 * such retriable protocol errors are retried for up to `retryForMs`.
 */
export async function ensureTopics(
  admin: Admin,
  specs: TopicSpec[],
  options: { retryForMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  if (specs.length === 0) return;
  const deadline = Date.now() + (options.retryForMs ?? 30_000);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      await createMissingTopics(admin, specs);
      if (await leadersKnown(admin, specs)) return;
      if (Date.now() >= deadline) throw new Error(`topics without a partition leader after ${options.retryForMs ?? 30_000} ms`);
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
    } catch (error) {
      if (!isRetriableProtocolError(error) || Date.now() >= deadline) throw error;
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
    }
  }
}

async function leadersKnown(admin: Admin, specs: TopicSpec[]): Promise<boolean> {
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.topic) });
  return topics.length === specs.length && topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0));
}

async function createMissingTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((spec) => ({
      topic: spec.topic,
      numPartitions: spec.numPartitions ?? 6,
      replicationFactor: -1,
      configEntries: Object.entries({
        ...(spec.compacted ? { 'cleanup.policy': 'compact' } : {}),
        ...spec.configs,
      }).map(([name, value]) => ({ name, value })),
    })),
  });
}

/** Reads a Kafka header as a UTF-8 string. */
export function headerString(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return headerString({ [name]: value[0] }, name);
  return String(value);
}
