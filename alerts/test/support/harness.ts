import { randomBytes } from 'node:crypto';
import { deterministicEventId, type EventType, eventAvroSchema, type VehicleEvent, valueSubject } from '@fleet/contracts';
import { serviceEnv } from '@fleet/infra';
import { createAvroSerde, createKafka, createLogger, createProducer, type Env } from '@fleet/runtime';
import { getInfra, type InfraEndpoints, uniqueName } from '@fleet/testkit';
import { type AlertService, startAlertService } from '../../src/app';
import { loadAlertsConfig } from '../../src/config';

export const log = createLogger({ service: 'alerts-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Environment for one test's alert service: unique topics and group, ephemeral ports, fast ticks. */
export function testEnv(infra: InfraEndpoints, prefix: string): Env {
  const name = uniqueName(prefix);
  return {
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    HTTP_PORT: '0',
    OPS_PORT: '0',
    ...serviceEnv(infra),
    CONSUMER_GROUP: `${name}-group`,
    EVENTS_TOPIC: `${name}.events`,
    REGISTRY_OWNERS_TOPIC: `${name}.owners`,
    REGISTRY_VEHICLES_TOPIC: `${name}.vehicles`,
    REGISTRY_GEOFENCES_TOPIC: `${name}.geofences`,
    REGISTRY_OWNER_TOKENS_TOPIC: `${name}.owner-tokens`,
    NOTIFICATIONS_TOPIC: `${name}.notifications`,
    SUMMARY_TICK_MS: '300',
    SMTP_RETRY_INITIAL_MS: '200',
    SMTP_RETRY_MAX_MS: '1000',
    SMTP_TIMEOUT_MS: '5000',
  };
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected loosely
  body: any;
}

export interface RunningAlerts {
  service: AlertService;
  baseUrl: string;
  opsUrl: string;
  api(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export async function startAlerts(env: Env): Promise<RunningAlerts> {
  const service = await startAlertService(loadAlertsConfig(env), log);
  const baseUrl = `http://127.0.0.1:${service.httpPort}`;
  return {
    service,
    baseUrl,
    opsUrl: `http://127.0.0.1:${service.opsPort}`,
    async api(method, path, options = {}) {
      const token = options.token === undefined ? env.ADMIN_TOKEN : options.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.raw !== undefined || options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = options.raw ?? JSON.stringify(options.body);
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    stop: () => service.stop(),
  };
}

export { getInfra, uniqueName };

/** An email address unique to this call, to find a test's mail in the shared SMTP catcher. */
export const uniqueAddress = (prefix: string) => `${uniqueName(prefix)}@example.com`;

/** Produces VehicleEvents to a topic in the Confluent Avro wire format, as the processors do. */
export async function eventProducer(infra: InfraEndpoints, topic: string) {
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'alerts-test', log });
  const producer = createProducer(kafka);
  await producer.connect();
  const encode = await createAvroSerde({ registryUrl: infra.registryUrl }).encoderFor<VehicleEvent>(valueSubject(topic), eventAvroSchema);
  return {
    send: async (events: VehicleEvent[]) => {
      await producer.send({ topic, acks: -1, messages: events.map((event) => ({ key: event.vehicleId, value: encode(event) })) });
    },
    close: () => producer.disconnect(),
  };
}

export function vehicleEvent(type: EventType, vehicleId: string, ts: number, extra: Partial<VehicleEvent> = {}): VehicleEvent {
  return {
    eventId: deterministicEventId(vehicleId, type, ts, extra.geofenceId ?? ''),
    vehicleId,
    type,
    ts,
    lat: 52.520008,
    lon: 13.404954,
    speedKph: 131,
    limitKph: type === 'OVERSPEED' ? 100 : null,
    peakSpeedKph: null,
    durationMs: null,
    accelMps2: null,
    geofenceId: null,
    geofenceName: null,
    receivedAt: ts + 50,
    ...extra,
  };
}
