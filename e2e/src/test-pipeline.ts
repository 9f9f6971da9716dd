import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type InfraEndpoints, dataDir } from '@fleet/infra';
import { type Pipeline, type PipelinePorts, launchPipeline } from '@fleet/infra/pipeline';
import { freePorts } from './free-ports';

/** The four services on free ports with namespaced topics, so a test runs beside anything else. */
export async function startTestPipeline(
  endpoints: InfraEndpoints,
  namespace: string,
  extraEnv: Partial<Record<string, Record<string, string>>> = {},
): Promise<Pipeline & { adminToken: string }> {
  const [mqtt, mqttWs, api, bridgeOps, processorsOps, sinksOps, alertsOps] = await freePorts(7);
  const ports = { mqtt, mqttWs, api, bridgeOps, processorsOps, sinksOps, alertsOps } as PipelinePorts;
  const adminToken = randomBytes(24).toString('hex');
  const pipeline = await launchPipeline({
    endpoints,
    adminToken,
    namespace,
    ports,
    logDir: join(dataDir(), 'logs', namespace),
    extraEnv,
  });
  return { ...pipeline, adminToken };
}

/** A small client for the alerts service's registry API with the admin token. */
export function registryClient(apiUrl: string, adminToken: string) {
  return async function post<T = Record<string, unknown>>(collection: string, body: object): Promise<T> {
    const response = await fetch(`${apiUrl}/api/${collection}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST /api/${collection}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}
