import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/** Every service this project can run (`infra:down` and `infra:status` cover them all). */
export const SERVICE_NAMES = ['kafka', 'schema-registry', 'influxdb', 'smtp', 'mqtt', 'influxdb2'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * What `infra:up`, `npm start` and a test run start when no list is given. `influxdb2` is opt-in:
 * its first build takes minutes and only the tests that compare InfluxDB 1.8 with 2.x need it
 * (`npm run infra:up -- --all`, or a project's globalSetup asking for it).
 */
export const DEFAULT_SERVICES: readonly ServiceName[] = ['kafka', 'schema-registry', 'influxdb', 'smtp', 'mqtt'];

/** How a client reaches one InfluxDB: what the services read as INFLUX_URL/_BUCKET/_ORG/_TOKEN. */
export interface InfluxEndpoint {
  url: string;
  /** `database/retention-policy` on InfluxDB 1.8, a bucket name on InfluxDB 2. */
  bucket: string;
  org: string;
  token: string;
}

/** Where the tests and services find the infrastructure. */
export interface InfraEndpoints {
  /** `host:port` bootstrap servers. */
  kafkaBrokers: string[];
  /** Confluent-compatible schema registry base URL (for `@kafkajs/confluent-schema-registry`). */
  registryUrl: string;
  /** InfluxDB 1.8 (bucket `fleet/autogen`): what every service uses by default. */
  influx: InfluxEndpoint;
  /**
   * InfluxDB 2.x (org `fleet`, bucket `fleet`, a token generated at its first start and kept in
   * `<data>/influxdb2/admin-token`; empty until then): the same code is tested against both.
   */
  influx2: InfluxEndpoint;
  smtp: { host: string; port: number };
  /** Base URL of the Mailpit-style HTTP API (`/api/v1/messages`, …). */
  mailApiUrl: string;
  /**
   * An MQTT 5 broker with shared subscriptions (`mqtt://host:port`), for the bridge's external
   * mode. Not the bridge's own MQTT_URL: devices publish to the bridge's embedded broker unless
   * the bridge is pointed at an external one.
   */
  mqttUrl: string;
}

/** Ports of the servers this project runs itself (all bound to 127.0.0.1). */
export interface LocalPorts {
  kafka: number;
  kafkaController: number;
  registry: number;
  influxHttp: number;
  influxRpc: number;
  influx2Http: number;
  smtp: number;
  mailApi: number;
  mqtt: number;
}

export const LOCAL_HOST = '127.0.0.1';

export const DEFAULT_PORTS: Readonly<LocalPorts> = {
  kafka: 19092,
  kafkaController: 19093,
  registry: 18081,
  influxHttp: 18086,
  influxRpc: 18088,
  influx2Http: 18087,
  smtp: 11025,
  mailApi: 18025,
  mqtt: 11883,
};

export const DEFAULT_INFLUX = { bucket: 'fleet/autogen', org: 'fleet', token: 'fleet-dev-token' } as const;

/** The org and bucket the local InfluxDB 2 is set up with (the database `fleet` maps to the bucket). */
export const DEFAULT_INFLUX2 = { bucket: 'fleet', org: 'fleet' } as const;

/** Env var that overrides each local port. */
export const PORT_ENV: Readonly<Record<keyof LocalPorts, string>> = {
  kafka: 'FLEET_KAFKA_PORT',
  kafkaController: 'FLEET_KAFKA_CONTROLLER_PORT',
  registry: 'FLEET_REGISTRY_PORT',
  influxHttp: 'FLEET_INFLUX_PORT',
  influxRpc: 'FLEET_INFLUX_RPC_PORT',
  influx2Http: 'FLEET_INFLUX2_PORT',
  smtp: 'FLEET_SMTP_PORT',
  mailApi: 'FLEET_MAIL_API_PORT',
  mqtt: 'FLEET_MQTT_PORT',
};

/** Env vars that, when set, point at an external server: the local one is then not started. */
export const EXTERNAL_ENV: Readonly<Record<ServiceName, readonly string[]>> = {
  kafka: ['KAFKA_BROKERS'],
  'schema-registry': ['SCHEMA_REGISTRY_URL'],
  influxdb: ['INFLUX_URL'],
  // INFLUX2_ORG / INFLUX2_BUCKET / INFLUX2_TOKEN go with it.
  influxdb2: ['INFLUX2_URL'],
  smtp: ['SMTP_HOST', 'SMTP_PORT'],
  // Not MQTT_URL: that one switches the bridge itself to an external broker.
  mqtt: ['MQTT_BROKER_URL'],
};

export class InfraConfigError extends Error {
  override name = 'InfraConfigError';
}

function get(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

const portSchema = z.coerce.number().int().min(1).max(65_535);
const hostPortSchema = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/, 'expected host:port')
  .refine((value) => portSchema.safeParse(value.slice(value.lastIndexOf(':') + 1)).success, 'port out of range');
const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));
const mqttUrlSchema = z.url({
  protocol: /^(mqtts?|wss?|tcp|ssl)$/,
  error: 'expected an MQTT URL like mqtt://127.0.0.1:1883',
});
const hostSchema = z.string().regex(/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:]+\]?$/, 'expected a host name or IP address');
const nonEmptySchema = z.string().min(1);

function parse<T>(schema: z.ZodType<T>, name: string, raw: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => issue.message).join('; ');
    throw new InfraConfigError(`${name}=${JSON.stringify(raw)} is invalid: ${reason}`);
  }
  return result.data;
}

function optional<T>(env: Env, name: string, schema: z.ZodType<T>, fallback: T): T {
  const raw = get(env, name);
  return raw === undefined ? fallback : parse(schema, name, raw);
}

/** Local ports, each overridable with its `FLEET_*_PORT` env var (validated, no duplicates). */
export function localPorts(env: Env = process.env): LocalPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_ENV) as (keyof LocalPorts)[]) {
    ports[key] = optional(env, PORT_ENV[key], portSchema, DEFAULT_PORTS[key]);
  }
  const seen = new Map<number, string>();
  for (const key of Object.keys(ports) as (keyof LocalPorts)[]) {
    const other = seen.get(ports[key]);
    if (other !== undefined) {
      throw new InfraConfigError(`${PORT_ENV[key]} and ${other} both use port ${ports[key]}`);
    }
    seen.set(ports[key], PORT_ENV[key]);
  }
  return ports;
}

/** True when the env points the service at an external server (nothing to start locally). */
export function isExternal(service: ServiceName, env: Env = process.env): boolean {
  return EXTERNAL_ENV[service].some((name) => get(env, name) !== undefined);
}

/** What only the local servers know (read from the data dir by the caller). */
export interface LocalSecrets {
  /** The token the local InfluxDB 2 was set up with (`<data>/influxdb2/admin-token`). */
  influx2Token?: string | undefined;
}

/**
 * Endpoints of the infrastructure: local defaults (see {@link DEFAULT_PORTS}), overridden by
 * `KAFKA_BROKERS` (comma-separated host:port), `SCHEMA_REGISTRY_URL`, `INFLUX_URL`, `INFLUX_BUCKET`,
 * `INFLUX_ORG`, `INFLUX_TOKEN`, `INFLUX2_URL` (with `INFLUX2_ORG`, `INFLUX2_BUCKET`, `INFLUX2_TOKEN`),
 * `SMTP_HOST`, `SMTP_PORT`, `MAIL_API_URL`, `MQTT_BROKER_URL`. Throws {@link InfraConfigError} on an
 * invalid value. The local InfluxDB 2's org and bucket are fixed and its token comes from `secrets`
 * (the INFLUX2_* client settings only apply to an external server).
 */
export function infraEndpoints(env: Env = process.env, secrets: LocalSecrets = {}): InfraEndpoints {
  const ports = localPorts(env);
  const local = (port: number, path = '') => `http://${LOCAL_HOST}:${port}${path}`;

  const brokersRaw = get(env, 'KAFKA_BROKERS');
  const kafkaBrokers =
    brokersRaw === undefined
      ? [`${LOCAL_HOST}:${ports.kafka}`]
      : brokersRaw
          .split(',')
          .map((broker) => broker.trim())
          .filter((broker) => broker !== '')
          .map((broker) => parse(hostPortSchema, 'KAFKA_BROKERS', broker));
  if (kafkaBrokers.length === 0) throw new InfraConfigError('KAFKA_BROKERS lists no broker');

  return {
    kafkaBrokers,
    registryUrl: optional(env, 'SCHEMA_REGISTRY_URL', httpUrlSchema, local(ports.registry, '/apis/ccompat/v7')),
    influx: {
      url: optional(env, 'INFLUX_URL', httpUrlSchema, local(ports.influxHttp)),
      bucket: optional(env, 'INFLUX_BUCKET', nonEmptySchema, DEFAULT_INFLUX.bucket),
      org: optional(env, 'INFLUX_ORG', nonEmptySchema, DEFAULT_INFLUX.org),
      token: optional(env, 'INFLUX_TOKEN', nonEmptySchema, DEFAULT_INFLUX.token),
    },
    influx2: isExternal('influxdb2', env)
      ? {
          url: optional(env, 'INFLUX2_URL', httpUrlSchema, local(ports.influx2Http)),
          bucket: optional(env, 'INFLUX2_BUCKET', nonEmptySchema, DEFAULT_INFLUX2.bucket),
          org: optional(env, 'INFLUX2_ORG', nonEmptySchema, DEFAULT_INFLUX2.org),
          token: optional(env, 'INFLUX2_TOKEN', nonEmptySchema, ''),
        }
      : { url: local(ports.influx2Http), ...DEFAULT_INFLUX2, token: secrets.influx2Token ?? '' },
    smtp: {
      host: optional(env, 'SMTP_HOST', hostSchema, LOCAL_HOST),
      port: optional(env, 'SMTP_PORT', portSchema, ports.smtp),
    },
    mailApiUrl: optional(env, 'MAIL_API_URL', httpUrlSchema, local(ports.mailApi)),
    mqttUrl: optional(env, 'MQTT_BROKER_URL', mqttUrlSchema, `mqtt://${LOCAL_HOST}:${ports.mqtt}`),
  };
}

/**
 * The environment variables every service reads for its servers (KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL, INFLUX_*, SMTP_*), pointing at these endpoints. Not the MQTT broker: a
 * bridge given MQTT_URL would leave its embedded broker, which is where devices publish.
 */
export function serviceEnv(endpoints: InfraEndpoints): Record<string, string> {
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.registryUrl,
    ...influxEnv(endpoints.influx),
    SMTP_HOST: endpoints.smtp.host,
    SMTP_PORT: String(endpoints.smtp.port),
  };
}

/**
 * INFLUX_URL / INFLUX_TOKEN / INFLUX_ORG / INFLUX_BUCKET for one InfluxDB: how an operator points a
 * service at 1.8 (`endpoints.influx`) or at 2.x (`endpoints.influx2`) with the same code.
 */
export function influxEnv(influx: InfluxEndpoint): Record<string, string> {
  return {
    INFLUX_URL: influx.url,
    INFLUX_TOKEN: influx.token,
    INFLUX_ORG: influx.org,
    INFLUX_BUCKET: influx.bucket,
  };
}
