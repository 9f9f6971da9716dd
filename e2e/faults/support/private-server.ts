import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTERNAL_ENV, ensureInfra, type InfraEndpoints, infraStatus, stopInfra } from '@fleet/infra';
import { freePorts } from '../../src/free-ports';

export type PrivateServiceName = 'kafka' | 'schema-registry' | 'influxdb';

/**
 * A server of our own, on free ports with its own data dir, that a fault test may kill: the shared
 * servers on the default ports are in use by other test runs and are never touched.
 */
export interface PrivateServer {
  name: PrivateServiceName;
  endpoints: InfraEndpoints;
  /** Process id of the running server (its process group leader). */
  pid(): Promise<number>;
  /** SIGKILL to the whole process group, then waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data (as after a crash); waits until it answers. */
  start(): Promise<void>;
  /** Kills it (if running) and deletes its data dir. */
  dispose(): Promise<void>;
}

const PORT_VARS: Record<PrivateServiceName, string[]> = {
  kafka: ['FLEET_KAFKA_PORT', 'FLEET_KAFKA_CONTROLLER_PORT'],
  'schema-registry': ['FLEET_REGISTRY_PORT'],
  influxdb: ['FLEET_INFLUX_PORT', 'FLEET_INFLUX_RPC_PORT'],
};

async function privateEnv(name: PrivateServiceName, dataDir: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, FLEET_DATA_DIR: dataDir };
  // An env pointing at an external server would make ensureInfra start nothing.
  for (const variable of EXTERNAL_ENV[name]) delete env[variable];
  const vars = PORT_VARS[name];
  const ports = await freePorts(vars.length);
  vars.forEach((variable, index) => {
    env[variable] = String(ports[index]);
  });
  return env;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

export async function startPrivateServer(name: PrivateServiceName): Promise<PrivateServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `fleet-faults-${name}-`));
  const env = await privateEnv(name, dataDir);
  const options = { services: [name] as const, env, owner: 'tests' as const };
  let endpoints: InfraEndpoints;
  try {
    ({ endpoints } = await ensureInfra(options));
  } catch (error) {
    await stopInfra([name], { env }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const pid = async () => {
    const [status] = await infraStatus({ services: [name], env });
    if (status?.pid === undefined) throw new Error(`private ${name} is not running`);
    return status.pid;
  };
  const kill = async () => {
    const leader = await pid();
    process.kill(-leader, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!isGone(leader) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return {
    name,
    endpoints,
    pid,
    kill,
    async start() {
      await ensureInfra(options);
    },
    async dispose() {
      try {
        // Its data is thrown away, so no need for a clean shutdown.
        await kill().catch(() => undefined);
        await stopInfra([name], { env });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The shared servers' endpoints with these private servers in their place. */
export function withPrivate(shared: InfraEndpoints, ...servers: PrivateServer[]): InfraEndpoints {
  let endpoints = shared;
  for (const server of servers) {
    if (server.name === 'kafka') endpoints = { ...endpoints, kafkaBrokers: server.endpoints.kafkaBrokers };
    if (server.name === 'schema-registry') endpoints = { ...endpoints, registryUrl: server.endpoints.registryUrl };
    if (server.name === 'influxdb') endpoints = { ...endpoints, influx: { ...endpoints.influx, url: server.endpoints.influx.url } };
  }
  return endpoints;
}

/**
 * Private servers for one test, started in parallel and disposed by `cleanup` (also when one of
 * them fails to start). Every whole-pipeline test writes to an InfluxDB of its own, so it never
 * depends on what other runs left in the shared one.
 */
export async function startPrivateServers(
  names: PrivateServiceName[],
  cleanup: { add(label: string, step: () => Promise<unknown>): void },
): Promise<PrivateServer[]> {
  const results = await Promise.allSettled(names.map((name) => startPrivateServer(name)));
  for (const result of results) {
    if (result.status === 'fulfilled') cleanup.add(`private ${result.value.name}`, () => result.value.dispose());
  }
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<PrivateServer>).value);
}
