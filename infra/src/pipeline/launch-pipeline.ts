import { join } from 'node:path';
import { TOPICS } from '@fleet/contracts';
import { type InfraEndpoints, serviceEnv } from '../endpoints';
import { repoRoot } from '../paths';
import { type RunningService, type ServiceSpec, startService, waitUntilReady } from './service-process';

export interface PipelinePorts {
  mqtt: number;
  mqttWs: number;
  api: number;
  bridgeOps: number;
  processorsOps: number;
  sinksOps: number;
  alertsOps: number;
}

export const DEFAULT_PIPELINE_PORTS: PipelinePorts = {
  mqtt: 1883,
  mqttWs: 8883,
  api: 8080,
  bridgeOps: 9101,
  processorsOps: 9102,
  sinksOps: 9103,
  alertsOps: 9104,
};

export interface LaunchPipelineOptions {
  endpoints: InfraEndpoints;
  adminToken: string;
  logDir: string;
  ports?: PipelinePorts;
  /**
   * Prefix for every topic and consumer group, so a test or benchmark runs beside other pipelines
   * on the same Kafka; absent = the production names.
   */
  namespace?: string;
  /** Extra environment per service name (bridge, stream-processors, sinks, alerts). */
  extraEnv?: Partial<Record<string, Record<string, string>>>;
}

export interface Pipeline {
  services: RunningService[];
  ports: PipelinePorts;
  topics: { telemetry: string; telemetryDlq: string; events: string };
  apiUrl: string;
  stop(): Promise<void>;
}

function topicNames(namespace: string | undefined) {
  const name = (topic: string) => (namespace ? `${namespace}.${topic}` : topic);
  return {
    telemetry: name(TOPICS.telemetry),
    telemetryDlq: name(TOPICS.telemetryDlq),
    events: name(TOPICS.events),
    owners: name(TOPICS.registryOwners),
    vehicles: name(TOPICS.registryVehicles),
    geofences: name(TOPICS.registryGeofences),
    ownerTokens: name(TOPICS.registryOwnerTokens),
    notifications: name(TOPICS.alertNotifications),
    processorState: name(TOPICS.processorState),
    processorDlq: name(TOPICS.processorDlq),
    telemetrySinkDlq: name(TOPICS.telemetrySinkDlq),
    eventsSinkDlq: name(TOPICS.eventsSinkDlq),
    group: (group: string) => name(group),
  };
}

function serviceSpecs(options: LaunchPipelineOptions, ports: PipelinePorts): ServiceSpec[] {
  const { endpoints } = options;
  const topics = topicNames(options.namespace);
  const common = {
    ...serviceEnv(endpoints),
    TELEMETRY_TOPIC: topics.telemetry,
    EVENTS_TOPIC: topics.events,
  };
  const extra = (name: string) => options.extraEnv?.[name] ?? {};
  return [
    {
      name: 'bridge',
      dir: 'bridge',
      opsPort: ports.bridgeOps,
      env: {
        ...common,
        DLQ_TOPIC: topics.telemetryDlq,
        MQTT_PORT: String(ports.mqtt),
        MQTT_WS_PORT: String(ports.mqttWs),
        OPS_PORT: String(ports.bridgeOps),
        ...extra('bridge'),
      },
    },
    {
      name: 'stream-processors',
      dir: 'stream-processors',
      opsPort: ports.processorsOps,
      env: {
        ...common,
        PROCESSOR_GROUP_ID: topics.group('stream-processors'),
        STATE_TOPIC: topics.processorState,
        PROCESSOR_DLQ_TOPIC: topics.processorDlq,
        VEHICLES_TOPIC: topics.vehicles,
        GEOFENCES_TOPIC: topics.geofences,
        OPS_PORT: String(ports.processorsOps),
        ...extra('stream-processors'),
      },
      // Per-vehicle states live just long enough to be promoted; a larger young generation halves GC cost.
      nodeArgs: ['--max-semi-space-size=64'],
    },
    {
      name: 'sinks',
      dir: 'sinks',
      opsPort: ports.sinksOps,
      env: {
        ...common,
        TELEMETRY_DLQ_TOPIC: topics.telemetrySinkDlq,
        EVENTS_DLQ_TOPIC: topics.eventsSinkDlq,
        TELEMETRY_GROUP_ID: topics.group('fleet-sinks-telemetry'),
        EVENTS_GROUP_ID: topics.group('fleet-sinks-events'),
        OPS_PORT: String(ports.sinksOps),
        ...extra('sinks'),
      },
    },
    {
      name: 'alerts',
      dir: 'alerts',
      opsPort: ports.alertsOps,
      env: {
        ...common,
        ADMIN_TOKEN: options.adminToken,
        HTTP_PORT: String(ports.api),
        OPS_PORT: String(ports.alertsOps),
        CONSUMER_GROUP: topics.group('fleet-alerts'),
        REGISTRY_OWNERS_TOPIC: topics.owners,
        REGISTRY_VEHICLES_TOPIC: topics.vehicles,
        REGISTRY_GEOFENCES_TOPIC: topics.geofences,
        REGISTRY_OWNER_TOKENS_TOPIC: topics.ownerTokens,
        NOTIFICATIONS_TOPIC: topics.notifications,
        ...extra('alerts'),
      },
    },
  ];
}

/** Starts bridge, stream processors, sinks and alerts as processes and waits until each is ready. */
export async function launchPipeline(
  options: LaunchPipelineOptions,
  onStart: (service: RunningService) => void = () => {},
): Promise<Pipeline> {
  const ports = options.ports ?? DEFAULT_PIPELINE_PORTS;
  const services: RunningService[] = [];
  const stop = async () => {
    for (const service of [...services].reverse()) await service.stop();
  };
  try {
    for (const spec of serviceSpecs(options, ports)) {
      const service = startService(spec, repoRoot, options.logDir);
      services.push(service);
      onStart(service);
    }
    await Promise.all(services.map((service) => waitUntilReady(service)));
  } catch (error) {
    await stop();
    throw error;
  }
  const topics = topicNames(options.namespace);
  return {
    services,
    ports,
    topics: { telemetry: topics.telemetry, telemetryDlq: topics.telemetryDlq, events: topics.events },
    apiUrl: `http://127.0.0.1:${ports.api}`,
    stop,
  };
}

export function logFileOf(logDir: string, service: string): string {
  return join(logDir, `${service}.log`);
}
