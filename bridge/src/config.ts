import { TOPICS } from '@fleet/contracts';
import { type Env, envVar, loadConfig } from '@fleet/runtime';
import { z } from 'zod';

/**
 * The bridge's environment. Defaults match the local infrastructure (`npm run infra:up`), so
 * `npm run start -w @fleet/bridge` needs no configuration.
 */
const envSchema = z
  .object({
    KAFKA_BROKERS: envVar.list(['127.0.0.1:19092']),
    KAFKA_CLIENT_ID: envVar.string('fleet-bridge'),
    SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:18081/apis/ccompat/v7'),
    TELEMETRY_TOPIC: envVar.string(TOPICS.telemetry),
    DLQ_TOPIC: envVar.string(TOPICS.telemetryDlq),
    TOPIC_PARTITIONS: envVar.int(6, 1, 10_000),

    /** External broker (mqtt://, mqtts://, ws://, wss://); absent = embedded aedes broker. */
    MQTT_URL: z
      .url({ protocol: /^(mqtts?|wss?|tcp|ssl)$/, error: 'must be a URL like mqtt://127.0.0.1:1883' })
      .optional(),
    MQTT_CLIENT_ID: envVar.string('fleet-bridge'),
    MQTT_SHARED_GROUP: z.string().default('fleet-bridge'),
    MQTT_PROTOCOL_VERSION: z.enum(['4', '5'], { error: 'must be 4 (MQTT 3.1.1) or 5' }).default('5'),
    MQTT_USERNAME: z.string().optional(),
    MQTT_PASSWORD: z.string().optional(),

    MQTT_HOST: envVar.string('127.0.0.1'),
    MQTT_PORT: envVar.port(1883),
    MQTT_WS_PORT: envVar.port(8883),
    MQTT_WS_ENABLED: envVar.bool(true),
    MQTT_MAX_PENDING_PER_CLIENT: envVar.int(1000, 1, 1_000_000),

    DEVICE_AUTH: envVar.bool(false),
    /** Master key of the HMAC device-secret scheme (see README "Device authentication"). */
    DEVICE_AUTH_KEY: envVar.optionalSecret(),

    BATCH_LINGER_MS: envVar.int(5, 0, 1000),
    BATCH_MAX_RECORDS: envVar.int(2000, 1, 100_000),
    BATCH_MAX_BYTES: envVar.int(1024 * 1024, 70 * 1024, 64 * 1024 * 1024),
    MAX_IN_FLIGHT_RECORDS: envVar.int(20_000, 1, 10_000_000),
    MAX_IN_FLIGHT_BYTES: envVar.int(32 * 1024 * 1024, 70 * 1024, 4 * 1024 * 1024 * 1024),

    OPS_HOST: envVar.string('127.0.0.1'),
    OPS_PORT: envVar.port(9101),
    LOG_LEVEL: envVar.logLevel(),
  })
  .superRefine((env, ctx) => {
    if (env.DEVICE_AUTH && env.DEVICE_AUTH_KEY === undefined) {
      ctx.addIssue({ code: 'custom', path: ['DEVICE_AUTH_KEY'], message: 'is required when DEVICE_AUTH is on' });
    }
    if (env.MQTT_URL !== undefined && env.MQTT_SHARED_GROUP !== '' && env.MQTT_PROTOCOL_VERSION !== '5') {
      ctx.addIssue({
        code: 'custom',
        path: ['MQTT_SHARED_GROUP'],
        message: 'shared subscriptions need MQTT_PROTOCOL_VERSION=5 (set MQTT_SHARED_GROUP= to disable)',
      });
    }
  });

export interface ExternalMqttConfig {
  url: string;
  clientId: string;
  /** '' = plain subscription; otherwise $share/<group>/... */
  sharedGroup: string;
  protocolVersion: 4 | 5;
  username?: string;
  password?: string;
}

export interface EmbeddedMqttConfig {
  host: string;
  port: number;
  /** null = no WebSocket listener. */
  wsPort: number | null;
  /** null = device authentication off. */
  deviceAuthKey: string | null;
  /** Unacknowledged records of one connection before the bridge stops reading it. */
  maxPendingPerClient: number;
}

export interface BatchConfig {
  lingerMs: number;
  maxRecords: number;
  maxBytes: number;
  maxInFlightRecords: number;
  maxInFlightBytes: number;
}

export interface BridgeConfig {
  kafka: { brokers: string[]; clientId: string; partitions: number };
  registryUrl: string;
  topics: { telemetry: string; dlq: string };
  mqtt: { mode: 'embedded'; embedded: EmbeddedMqttConfig } | { mode: 'external'; external: ExternalMqttConfig };
  batch: BatchConfig;
  ops: { host: string; port: number };
  logLevel: string;
}

export function loadBridgeConfig(env: Env): BridgeConfig {
  const e = loadConfig(envSchema, env, 'bridge');
  return {
    kafka: { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID, partitions: e.TOPIC_PARTITIONS },
    registryUrl: e.SCHEMA_REGISTRY_URL,
    topics: { telemetry: e.TELEMETRY_TOPIC, dlq: e.DLQ_TOPIC },
    mqtt:
      e.MQTT_URL === undefined
        ? {
            mode: 'embedded',
            embedded: {
              host: e.MQTT_HOST,
              port: e.MQTT_PORT,
              wsPort: e.MQTT_WS_ENABLED ? e.MQTT_WS_PORT : null,
              deviceAuthKey: e.DEVICE_AUTH ? (e.DEVICE_AUTH_KEY ?? null) : null,
              maxPendingPerClient: e.MQTT_MAX_PENDING_PER_CLIENT,
            },
          }
        : {
            mode: 'external',
            external: {
              url: e.MQTT_URL,
              clientId: e.MQTT_CLIENT_ID,
              sharedGroup: e.MQTT_SHARED_GROUP,
              protocolVersion: e.MQTT_PROTOCOL_VERSION === '5' ? 5 : 4,
              ...(e.MQTT_USERNAME === undefined ? {} : { username: e.MQTT_USERNAME }),
              ...(e.MQTT_PASSWORD === undefined ? {} : { password: e.MQTT_PASSWORD }),
            },
          },
    batch: {
      lingerMs: e.BATCH_LINGER_MS,
      maxRecords: e.BATCH_MAX_RECORDS,
      maxBytes: e.BATCH_MAX_BYTES,
      maxInFlightRecords: e.MAX_IN_FLIGHT_RECORDS,
      maxInFlightBytes: e.MAX_IN_FLIGHT_BYTES,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
    logLevel: e.LOG_LEVEL,
  };
}
