import { join } from 'node:path';
import { dataDir, type InfraEndpoints, repoRoot, serviceEnv } from '@fleet/infra';
import { type RunningService, startService, waitUntilReady } from '@fleet/infra/pipeline';
import { freePorts } from '../../src/free-ports';

export interface TestBridge {
  service: RunningService;
  mqttUrl: string;
  opsPort: number;
  topics: { telemetry: string; dlq: string };
}

/** Only the bridge (src/main.ts as its own process, embedded broker) on free ports with namespaced topics. */
export async function startTestBridge(endpoints: InfraEndpoints, namespace: string, env: Record<string, string> = {}): Promise<TestBridge> {
  const [mqtt, mqttWs, ops] = (await freePorts(3)) as [number, number, number];
  const topics = { telemetry: `${namespace}.vehicle.telemetry`, dlq: `${namespace}.vehicle.telemetry.dlq` };
  const service = startService(
    {
      name: 'bridge',
      dir: 'bridge',
      opsPort: ops,
      env: {
        ...serviceEnv(endpoints),
        TELEMETRY_TOPIC: topics.telemetry,
        DLQ_TOPIC: topics.dlq,
        MQTT_PORT: String(mqtt),
        MQTT_WS_PORT: String(mqttWs),
        OPS_PORT: String(ops),
        ...env,
      },
    },
    repoRoot,
    join(dataDir(), 'logs', namespace),
  );
  try {
    await waitUntilReady(service);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { service, mqttUrl: `mqtt://127.0.0.1:${mqtt}`, opsPort: ops, topics };
}
