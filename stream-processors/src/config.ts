import { TOPICS } from '@fleet/contracts';
import { type Env, envVar, loadConfig } from '@fleet/runtime';
import { z } from 'zod';
import { detectorConfigSchema } from './domain/detector-config';

const envSchema = z.object({
  KAFKA_BROKERS: envVar.list(['127.0.0.1:19092']),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:18081/apis/ccompat/v7'),
  PROCESSOR_GROUP_ID: envVar.string('stream-processors'),
  TELEMETRY_TOPIC: envVar.string(TOPICS.telemetry),
  EVENTS_TOPIC: envVar.string(TOPICS.events),
  STATE_TOPIC: envVar.string(TOPICS.processorState),
  PROCESSOR_DLQ_TOPIC: envVar.string(TOPICS.processorDlq),
  VEHICLES_TOPIC: envVar.string(TOPICS.registryVehicles),
  GEOFENCES_TOPIC: envVar.string(TOPICS.registryGeofences),
  TOPIC_PARTITIONS: envVar.int(6, 1, 1000),
  // Within the broker's group.min/max.session.timeout.ms (6 s – 30 min by default).
  PROCESSOR_SESSION_TIMEOUT_MS: envVar.int(30_000, 6_000, 1_800_000),
  // How often a partition's changed vehicle states are written to the changelog and its offsets
  // committed; a crash replays at most this much (plus the session timeout) of telemetry.
  PROCESSOR_STATE_FLUSH_MS: envVar.int(5000, 0, 60_000),
  DEFAULT_SPEED_LIMIT_KPH: envVar.number(120, 1, 400),
  OVERSPEED_MIN_DURATION_MS: envVar.int(5000, 0, 600_000),
  HARSH_BRAKING_MPS2: envVar.number(3.5, 0.1, 30),
  HARSH_ACCELERATION_MPS2: envVar.number(3.0, 0.1, 30),
  OPS_HOST: envVar.string('127.0.0.1'),
  OPS_PORT: envVar.port(9102),
  LOG_LEVEL: envVar.logLevel(),
});

export type ProcessorConfig = ReturnType<typeof loadProcessorConfig>;

export function loadProcessorConfig(env: Env) {
  const raw = loadConfig(envSchema, env, 'stream-processors');
  return {
    kafkaBrokers: raw.KAFKA_BROKERS,
    registryUrl: raw.SCHEMA_REGISTRY_URL,
    groupId: raw.PROCESSOR_GROUP_ID,
    topics: {
      telemetry: raw.TELEMETRY_TOPIC,
      events: raw.EVENTS_TOPIC,
      state: raw.STATE_TOPIC,
      dlq: raw.PROCESSOR_DLQ_TOPIC,
      vehicles: raw.VEHICLES_TOPIC,
      geofences: raw.GEOFENCES_TOPIC,
    },
    partitions: raw.TOPIC_PARTITIONS,
    sessionTimeoutMs: raw.PROCESSOR_SESSION_TIMEOUT_MS,
    stateFlushMs: raw.PROCESSOR_STATE_FLUSH_MS,
    detector: detectorConfigSchema.parse({
      defaultSpeedLimitKph: raw.DEFAULT_SPEED_LIMIT_KPH,
      overspeedMinDurationMs: raw.OVERSPEED_MIN_DURATION_MS,
      harshBrakingMps2: raw.HARSH_BRAKING_MPS2,
      harshAccelerationMps2: raw.HARSH_ACCELERATION_MPS2,
    }),
    ops: { host: raw.OPS_HOST, port: raw.OPS_PORT },
    logLevel: raw.LOG_LEVEL,
  };
}
