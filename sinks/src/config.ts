import { TOPICS } from '@fleet/contracts';
import { type Env, envVar, loadConfig } from '@fleet/runtime';
import { z } from 'zod';


/**
 * The sinks' environment. Defaults match the local infrastructure (`npm run infra:up`: InfluxDB
 * 1.8 with auth off, bucket `fleet/autogen`), so `npm run start -w @fleet/sinks` needs no
 * configuration. For InfluxDB 2.x set INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG and INFLUX_BUCKET.
 */
const envSchema = z
  .object({
    KAFKA_BROKERS: envVar.list(['127.0.0.1:19092']),
    KAFKA_CLIENT_ID: envVar.string('fleet-sinks'),
    SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:18081/apis/ccompat/v7'),
    TELEMETRY_TOPIC: envVar.string(TOPICS.telemetry),
    EVENTS_TOPIC: envVar.string(TOPICS.events),
    TELEMETRY_DLQ_TOPIC: envVar.string(TOPICS.telemetrySinkDlq),
    EVENTS_DLQ_TOPIC: envVar.string(TOPICS.eventsSinkDlq),
    TOPIC_PARTITIONS: envVar.int(6, 1, 10_000),
    TELEMETRY_GROUP_ID: envVar.string('fleet-sinks-telemetry'),
    EVENTS_GROUP_ID: envVar.string('fleet-sinks-events'),
    /** Partitions handled at once per consumer; their lines are combined into shared writes. */
    PARTITIONS_CONCURRENCY: envVar.int(8, 1, 1000),
    MAX_BYTES_PER_PARTITION: envVar.int(1024 * 1024, 64 * 1024, 64 * 1024 * 1024),

    INFLUX_URL: envVar.url('http://127.0.0.1:18086'),
    /** InfluxDB 2: API token; 1.8: `user:password` (any value when auth is off). */
    INFLUX_TOKEN: z.string().min(1).optional(),
    INFLUX_ORG: envVar.string('fleet'),
    /** InfluxDB 2: bucket; 1.8: `database/retention-policy`. */
    INFLUX_BUCKET: envVar.string('fleet/autogen'),
    INFLUX_BATCH_SIZE: envVar.int(5000, 1, 100_000),
    INFLUX_FLUSH_MS: envVar.int(100, 1, 60_000),
    INFLUX_FLUSH_IDLE_MS: envVar.int(5, 0, 60_000),
    INFLUX_MAX_PENDING_LINES: envVar.int(50_000, 1, 10_000_000),
    INFLUX_WRITE_CONCURRENCY: envVar.int(2, 1, 64),
    INFLUX_TIMEOUT_MS: envVar.int(10_000, 100, 600_000),
    INFLUX_RETRY_INITIAL_MS: envVar.int(200, 1, 60_000),
    INFLUX_RETRY_MAX_MS: envVar.int(5_000, 1, 600_000),
    INFLUX_MAX_RETRY_AFTER_MS: envVar.int(300_000, 0, 3_600_000),
    LAG_POLL_MS: envVar.int(15_000, 100, 3_600_000),

    OPS_HOST: envVar.string('127.0.0.1'),
    OPS_PORT: envVar.port(9103),
    LOG_LEVEL: envVar.logLevel(),
  })
  .superRefine((env, ctx) => {
    if (env.INFLUX_MAX_PENDING_LINES < env.INFLUX_BATCH_SIZE) {
      ctx.addIssue({ code: 'custom', path: ['INFLUX_MAX_PENDING_LINES'], message: 'must be at least INFLUX_BATCH_SIZE' });
    }
    if (env.INFLUX_RETRY_MAX_MS < env.INFLUX_RETRY_INITIAL_MS) {
      ctx.addIssue({ code: 'custom', path: ['INFLUX_RETRY_MAX_MS'], message: 'must be at least INFLUX_RETRY_INITIAL_MS' });
    }
    if (env.TELEMETRY_GROUP_ID === env.EVENTS_GROUP_ID) {
      ctx.addIssue({ code: 'custom', path: ['EVENTS_GROUP_ID'], message: 'must differ from TELEMETRY_GROUP_ID' });
    }
  });

export interface StreamConfig {
  topic: string;
  dlqTopic: string;
  groupId: string;
}

export interface SinksConfig {
  kafka: { brokers: string[]; clientId: string; partitions: number; partitionsConcurrency: number; maxBytesPerPartition: number };
  registryUrl: string;
  telemetry: StreamConfig;
  events: StreamConfig;
  influx: {
    url: string;
    token: string | undefined;
    org: string;
    bucket: string;
    timeoutMs: number;
    maxRetryAfterMs: number;
  };
  batch: { size: number; flushMs: number; idleMs: number; maxPending: number; writeConcurrency: number };
  backoff: { initialMs: number; maxMs: number };
  lagPollMs: number;
  ops: { host: string; port: number };
  logLevel: string;
}

export function loadSinksConfig(env: Env): SinksConfig {
  const e = loadConfig(envSchema, env, 'sinks');
  return {
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      partitions: e.TOPIC_PARTITIONS,
      partitionsConcurrency: e.PARTITIONS_CONCURRENCY,
      maxBytesPerPartition: e.MAX_BYTES_PER_PARTITION,
    },
    registryUrl: e.SCHEMA_REGISTRY_URL,
    telemetry: { topic: e.TELEMETRY_TOPIC, dlqTopic: e.TELEMETRY_DLQ_TOPIC, groupId: e.TELEMETRY_GROUP_ID },
    events: { topic: e.EVENTS_TOPIC, dlqTopic: e.EVENTS_DLQ_TOPIC, groupId: e.EVENTS_GROUP_ID },
    influx: {
      url: e.INFLUX_URL.replace(/\/+$/, ''),
      token: e.INFLUX_TOKEN,
      org: e.INFLUX_ORG,
      bucket: e.INFLUX_BUCKET,
      timeoutMs: e.INFLUX_TIMEOUT_MS,
      maxRetryAfterMs: e.INFLUX_MAX_RETRY_AFTER_MS,
    },
    batch: {
      size: e.INFLUX_BATCH_SIZE,
      flushMs: e.INFLUX_FLUSH_MS,
      idleMs: e.INFLUX_FLUSH_IDLE_MS,
      maxPending: e.INFLUX_MAX_PENDING_LINES,
      writeConcurrency: e.INFLUX_WRITE_CONCURRENCY,
    },
    backoff: { initialMs: e.INFLUX_RETRY_INITIAL_MS, maxMs: e.INFLUX_RETRY_MAX_MS },
    lagPollMs: e.LAG_POLL_MS,
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
    logLevel: e.LOG_LEVEL,
  };
}
