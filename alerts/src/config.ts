import { TOPICS } from '@fleet/contracts';
import { AppError, type Env, envVar, loadConfig } from '@fleet/runtime';
import { z } from 'zod';

const ADMIN_TOKEN_HELP =
  'set ADMIN_TOKEN to a random secret of at least 16 characters, e.g. ADMIN_TOKEN=$(openssl rand -hex 24)';

export const configSchema = z.object({
  // loadConfig never echoes a *TOKEN* variable's value, so this message may say how long it was.
  ADMIN_TOKEN: z.string().min(16, { error: (issue) => `too short (${String(issue.input).length} characters): ${ADMIN_TOKEN_HELP}` }),
  LOG_LEVEL: envVar.logLevel(),
  HTTP_HOST: envVar.string('127.0.0.1'),
  HTTP_PORT: envVar.port(8080),
  OPS_HOST: envVar.string('127.0.0.1'),
  OPS_PORT: envVar.port(9104),
  KAFKA_BROKERS: envVar.list(['127.0.0.1:19092']),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:18081/apis/ccompat/v7'),
  CONSUMER_GROUP: envVar.string('fleet-alerts'),
  EVENTS_TOPIC: envVar.string(TOPICS.events),
  /** Partitions of the event topic if this service is the first to create it (as the other services). */
  TOPIC_PARTITIONS: envVar.int(6, 1, 10_000),
  REGISTRY_OWNERS_TOPIC: envVar.string(TOPICS.registryOwners),
  REGISTRY_VEHICLES_TOPIC: envVar.string(TOPICS.registryVehicles),
  REGISTRY_GEOFENCES_TOPIC: envVar.string(TOPICS.registryGeofences),
  REGISTRY_OWNER_TOKENS_TOPIC: envVar.string(TOPICS.registryOwnerTokens),
  NOTIFICATIONS_TOPIC: envVar.string(TOPICS.alertNotifications),
  INFLUX_URL: envVar.url('http://127.0.0.1:18086'),
  INFLUX_TOKEN: envVar.string('fleet-dev-token'),
  INFLUX_ORG: envVar.string('fleet'),
  INFLUX_BUCKET: envVar.string('fleet/autogen'),
  SMTP_HOST: envVar.string('127.0.0.1'),
  SMTP_PORT: envVar.port(11025),
  SMTP_SECURE: envVar.bool(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_FROM: envVar.string('Fleet alerts <alerts@fleet.localhost>'),
  SMTP_TIMEOUT_MS: envVar.int(10_000, 100, 300_000),
  SMTP_MAX_ATTEMPTS: envVar.int(5, 1, 100),
  SMTP_MAX_CONNECTIONS: envVar.int(4, 1, 100),
  SMTP_RETRY_INITIAL_MS: envVar.int(15_000, 1, 3_600_000),
  SMTP_RETRY_MAX_MS: envVar.int(120_000, 1, 3_600_000),
  COOLDOWN_MS: envVar.int(600_000, 0, 86_400_000),
  OVERSPEED_HOLD_MS: envVar.int(0, 0, 600_000),
  SUMMARY_TICK_MS: envVar.int(5_000, 100, 600_000),
  AUTH_FAILURE_LIMIT: envVar.int(20, 1, 100_000),
  AUTH_FAILURE_WINDOW_MS: envVar.int(900_000, 1000, 86_400_000),
});

export type AlertsConfig = z.output<typeof configSchema>;

/** Validates the environment; a missing ADMIN_TOKEN gets a message of its own that says how to make one. */
export function loadAlertsConfig(env: Env): AlertsConfig {
  if (env.ADMIN_TOKEN === undefined || env.ADMIN_TOKEN.trim() === '') {
    throw new AppError('CONFIG_INVALID', `alerts: ADMIN_TOKEN is required: ${ADMIN_TOKEN_HELP}`, { retriable: false });
  }
  // Empty optional credentials mean "none" (a compose file often sets them to "").
  const cleaned = { ...env, SMTP_USER: env.SMTP_USER || undefined, SMTP_PASSWORD: env.SMTP_PASSWORD || undefined };
  return loadConfig(configSchema, cleaned, 'alerts');
}
