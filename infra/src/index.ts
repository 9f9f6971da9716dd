import { readFileSync, rmSync } from 'node:fs';
import { acquireLease, releaseLease, releaseLockIfOwned, servicesLeasedByOthers, withInfraLock } from './coordination';
import {
  DEFAULT_SERVICES,
  EXTERNAL_ENV,
  type InfraEndpoints,
  infraEndpoints,
  isExternal,
  localPorts,
  PORT_ENV,
  SERVICE_NAMES,
  type ServiceName,
} from './endpoints';
import { canConnect, httpStatus, isPortFree, pollUntil } from './net';
import { cacheDir, dataDir, serviceDataDir } from './paths';
import { checkPrerequisites } from './prerequisites';
import { type Owner, pidFilePath, runningProcess, writePidFile } from './process-supervisor';
import type { Log } from './run-command';
import { influxdbService } from './services/influxdb';
import { influxdb2Healthy, influxdb2Service, readInfluxdb2Token } from './services/influxdb2';
import { kafkaReachable, kafkaService } from './services/kafka';
import { mqttBrokerService, mqttConnects } from './services/mqtt-broker';
import { schemaRegistryService } from './services/schema-registry';
import type { LocalService, ServiceContext } from './services/service';
import { smtpCatcherService } from './services/smtp-catcher';

export {
  DEFAULT_INFLUX2,
  DEFAULT_PORTS,
  DEFAULT_SERVICES,
  EXTERNAL_ENV,
  InfraConfigError,
  type InfraEndpoints,
  type InfluxEndpoint,
  influxEnv,
  infraEndpoints,
  isExternal,
  type LocalPorts,
  localPorts,
  PORT_ENV,
  SERVICE_NAMES,
  type ServiceName,
  serviceEnv,
} from './endpoints';
export { cacheDir, dataDir, repoRoot } from './paths';
export { MissingPrerequisiteError } from './prerequisites';
export type { Owner } from './process-supervisor';
export type { Log } from './run-command';

export interface InfraOptions {
  /** Which services (default: {@link DEFAULT_SERVICES} to start; every known one to stop or list). */
  services?: readonly ServiceName[];
  /** Progress lines (default: none). */
  log?: Log;
  /** Environment to read (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface EnsureInfraOptions extends InfraOptions {
  /**
   * `cli` (default): the servers stay up until `infra:down`; `tests`: they may be stopped by the
   * test run's teardown. Servers already running that are asked for by `cli` are adopted by it.
   */
  owner?: Owner;
}

export interface EnsureInfraResult {
  /** Local services this call started (not the ones already running, nor external ones). */
  started: ServiceName[];
  endpoints: InfraEndpoints;
}

export interface ServiceStatus {
  name: ServiceName;
  description: string;
  mode: 'local' | 'external';
  /** Answers its readiness request. */
  ready: boolean;
  pid?: number;
  owner?: Owner;
  /** Where clients reach it. */
  endpoint: string;
  /** Local only: whether it is fetched/built already. */
  installed?: boolean;
}

const silent: Log = () => undefined;

function selected(services: readonly ServiceName[] | undefined, fallback: readonly ServiceName[] = DEFAULT_SERVICES): ServiceName[] {
  const names = services ?? fallback;
  for (const name of names) {
    if (!SERVICE_NAMES.includes(name)) {
      throw new Error(`unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')})`);
    }
  }
  return SERVICE_NAMES.filter((name) => names.includes(name));
}

/**
 * {@link infraEndpoints} with what the local servers generated themselves (the InfluxDB 2 token
 * under the data dir, once it has been set up).
 */
export function currentEndpoints(env: NodeJS.ProcessEnv = process.env): InfraEndpoints {
  return infraEndpoints(env, { influx2Token: readInfluxdb2Token(serviceDataDir('influxdb2', env)) });
}

function createService(name: ServiceName, env: NodeJS.ProcessEnv, owner: Owner): LocalService {
  const ctx: ServiceContext = {
    env,
    cacheDir: cacheDir(env),
    serviceDir: serviceDataDir(name, env),
    ports: localPorts(env),
    endpoints: currentEndpoints(env),
    owner,
  };
  switch (name) {
    case 'kafka':
      return kafkaService(ctx);
    case 'schema-registry':
      return schemaRegistryService(ctx);
    case 'influxdb':
      return influxdbService(ctx);
    case 'smtp':
      return smtpCatcherService(ctx);
    case 'mqtt':
      return mqttBrokerService(ctx);
    case 'influxdb2':
      return influxdb2Service(ctx);
  }
}

function endpointOf(name: ServiceName, endpoints: InfraEndpoints): string {
  switch (name) {
    case 'kafka':
      return endpoints.kafkaBrokers.join(',');
    case 'schema-registry':
      return endpoints.registryUrl;
    case 'influxdb':
      return `${endpoints.influx.url} (bucket ${endpoints.influx.bucket})`;
    case 'smtp':
      return `smtp://${endpoints.smtp.host}:${endpoints.smtp.port}, API ${endpoints.mailApiUrl}`;
    case 'mqtt':
      return endpoints.mqttUrl;
    case 'influxdb2':
      return `${endpoints.influx2.url} (org ${endpoints.influx2.org}, bucket ${endpoints.influx2.bucket})`;
  }
}

/** A real request against an external (or local) endpoint. */
async function reachable(name: ServiceName, endpoints: InfraEndpoints): Promise<boolean> {
  switch (name) {
    case 'kafka':
      return kafkaReachable(endpoints.kafkaBrokers);
    case 'schema-registry':
      return (await httpStatus(`${endpoints.registryUrl}/subjects`)) === 200;
    case 'influxdb':
      return (await httpStatus(`${endpoints.influx.url}/ping`)) === 204;
    case 'smtp':
      return canConnect(endpoints.smtp.host, endpoints.smtp.port, 2_000);
    case 'mqtt':
      return mqttConnects(endpoints.mqttUrl);
    case 'influxdb2':
      return influxdb2Healthy(endpoints.influx2.url);
  }
}

async function checkExternal(names: ServiceName[], endpoints: InfraEndpoints, log: Log): Promise<void> {
  const results = await Promise.all(names.map(async (name) => ({ name, ok: await reachable(name, endpoints) })));
  const down = results.filter((result) => !result.ok);
  for (const result of results.filter((r) => r.ok)) {
    log(`${result.name}: external, reachable at ${endpointOf(result.name, endpoints)}`);
  }
  if (down.length > 0) {
    const lines = down.map(
      ({ name }) => `- ${name} at ${endpointOf(name, endpoints)} (from ${EXTERNAL_ENV[name].join('/')})`,
    );
    throw new Error(`external services are not reachable:\n${lines.join('\n')}\nUnset the variable to run the local server instead.`);
  }
}

async function assertPortsFree(service: LocalService, env: NodeJS.ProcessEnv): Promise<void> {
  for (const { host, port } of service.bindings()) {
    if (!(await isPortFree(host, port))) {
      const ports = localPorts(env);
      const key = (Object.keys(PORT_ENV) as (keyof typeof PORT_ENV)[]).find((k) => ports[k] === port);
      const hint = key === undefined ? '' : ` or set ${PORT_ENV[key]} to another port`;
      throw new Error(
        `${service.name}: ${host}:${port} is already in use by a program this project did not start; stop it${hint}`,
      );
    }
  }
}

/** Serialises the Maven fetches (Maven's local repository is not safe for concurrent writers). */
function serialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Drops the start/stop lock if this process holds it (only for a process exiting on a signal). */
export function releaseOwnLock(env: NodeJS.ProcessEnv = process.env): void {
  releaseLockIfOwned(dataDir(env));
}

/** Services spawned by ensureInfra calls still in progress (for an interrupted CLI). */
const starting = new Set<LocalService[]>();

/**
 * For a process that is interrupted during {@link ensureInfra}: stops the servers that call has
 * spawned so far (so none are left behind half-started). Returns their names.
 */
export async function abortStarts(log: Log = silent): Promise<ServiceName[]> {
  const services = [...starting].flat();
  starting.clear();
  await Promise.all(services.map((service) => service.stop(log).catch(() => false)));
  return services.map((service) => service.name);
}

/**
 * Makes the requested services (default: {@link DEFAULT_SERVICES}) usable: external ones (env
 * points elsewhere) are only checked; local ones are fetched/built once, started detached and
 * waited for with a real request. A service already running is left alone ("already running"; only
 * its idempotent set-up, e.g. the InfluxDB database, is checked again). On failure, whatever this
 * call started is stopped again before the error is thrown.
 */
export async function ensureInfra(options: EnsureInfraOptions = {}): Promise<EnsureInfraResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? silent;
  const owner = options.owner ?? 'cli';
  const endpoints = currentEndpoints(env);
  const names = selected(options.services);
  const external = names.filter((name) => isExternal(name, env));
  const local = names.filter((name) => !isExternal(name, env));
  await checkExternal(external, endpoints, log);
  if (local.length === 0) return { started: [], endpoints };

  return withInfraLock(dataDir(env), log, async () => {
    const services = local.map((name) => createService(name, env, owner));
    const ready = await Promise.all(services.map((service) => service.isReady()));
    const toStart: LocalService[] = [];
    const running: LocalService[] = [];
    services.forEach((service, index) => {
      const dir = serviceDataDir(service.name, env);
      const record = runningProcess(dir);
      if (ready[index]) {
        if (record !== undefined && owner === 'cli' && record.owner !== 'cli') {
          writePidFile(dir, { ...record, owner: 'cli' });
        }
        log(`${service.name}: already running${record ? ` (pid ${record.pid})` : ''}`);
        running.push(service);
      } else {
        toStart.push(service);
      }
    });
    // A server left running by a start that was interrupted before its set-up (database, InfluxDB
    // 2 onboarding) answers but is not usable yet: the set-up is idempotent, so run it again.
    for (const service of running) await service.afterReady?.(log);

    // A process left from an interrupted start that is still not ready: replace it.
    for (const service of toStart) {
      const dir = serviceDataDir(service.name, env);
      if (runningProcess(dir) !== undefined) {
        log(`${service.name}: a previous process is running but not ready; restarting it`);
        await service.stop(log);
      }
    }

    await checkPrerequisites(toStart.flatMap((service) => service.requirements(service.isInstalled())));
    for (const service of toStart) await assertPortsFree(service, env);

    const maven = serialQueue();
    const spawned: LocalService[] = [];
    starting.add(spawned);
    const bringUp = async (service: LocalService) => {
      const dir = serviceDataDir(service.name, env);
      if (!service.isInstalled()) {
        const started = Date.now();
        const install = () => service.install(log);
        await (service.name === 'kafka' || service.name === 'schema-registry' ? maven(install) : install());
        log(`${service.name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      const started = Date.now();
      spawned.push(service);
      await service.start(log);
      try {
        await pollUntil(() => service.isReady(), {
          timeoutMs: service.readyTimeoutMs,
          intervalMs: 300,
          what: service.name,
          abort: () => (runningProcess(dir) === undefined ? 'the process exited during start-up' : undefined),
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}; last lines of ${service.logFile}:\n${tailOf(service.logFile)}`);
      }
      await service.afterReady?.(log);
      log(`${service.name}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };

    const results = await Promise.allSettled(toStart.map(bringUp));
    starting.delete(spawned);
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    if (failures.length > 0) {
      for (const service of spawned) await service.stop(log).catch(() => undefined);
      if (failures.length === 1) throw failures[0];
      throw new Error(failures.map((failure) => failure.message).join('\n\n'));
    }
    // Read again: a server set up just now may have generated a credential (the InfluxDB 2 token).
    return { started: toStart.map((service) => service.name), endpoints: currentEndpoints(env) };
  });
}

function tailOf(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}

async function stopLocal(names: ServiceName[], env: NodeJS.ProcessEnv, log: Log): Promise<ServiceName[]> {
  const stopped: ServiceName[] = [];
  await Promise.all(
    names.map(async (name) => {
      const service = createService(name, env, 'cli');
      if (await service.stop(log)) {
        stopped.push(name);
        log(`${name}: stopped`);
      } else {
        rmSync(pidFilePath(serviceDataDir(name, env)), { force: true });
        log(`${name}: not running`);
      }
    }),
  );
  return SERVICE_NAMES.filter((name) => stopped.includes(name));
}

/**
 * Stops the named local services (default: every known one, opt-in ones included) and everything
 * they spawned; external ones are never touched. Returns the names that were running.
 */
export async function stopInfra(
  names?: readonly ServiceName[],
  options: Omit<InfraOptions, 'services'> = {},
): Promise<ServiceName[]> {
  const env = options.env ?? process.env;
  const log = options.log ?? silent;
  const local = selected(names, SERVICE_NAMES).filter((name) => !isExternal(name, env));
  return withInfraLock(dataDir(env), log, () => stopLocal(local, env, log));
}

/** One line per service (default: every known one): local/external, ready, pid, owner, endpoint. */
export async function infraStatus(options: InfraOptions = {}): Promise<ServiceStatus[]> {
  const env = options.env ?? process.env;
  const endpoints = currentEndpoints(env);
  return Promise.all(
    selected(options.services, SERVICE_NAMES).map(async (name): Promise<ServiceStatus> => {
      if (isExternal(name, env)) {
        return {
          name,
          description: 'external',
          mode: 'external',
          ready: await reachable(name, endpoints),
          endpoint: endpointOf(name, endpoints),
        };
      }
      const service = createService(name, env, 'cli');
      const running = runningProcess(serviceDataDir(name, env));
      return {
        name,
        description: service.description,
        mode: 'local',
        ready: await service.isReady(),
        ...(running ? { pid: running.pid, owner: running.owner } : {}),
        endpoint: endpointOf(name, endpoints),
        installed: service.isInstalled(),
      };
    }),
  );
}

export interface InfraLease extends EnsureInfraResult {
  /**
   * Gives the servers back: the ones a test run started (owner `tests`) are stopped once no
   * other live test run holds them; with `keep`, nothing is stopped. Returns the names stopped.
   */
  release(options?: { keep?: boolean }): Promise<ServiceName[]>;
}

/**
 * For test runs: {@link ensureInfra} with owner `tests`, plus a lease so that concurrent test
 * runs sharing the servers do not stop them under each other.
 */
export async function acquireInfra(options: InfraOptions = {}): Promise<InfraLease> {
  const env = options.env ?? process.env;
  const log = options.log ?? silent;
  const local = selected(options.services).filter((name) => !isExternal(name, env));
  const lease = acquireLease(dataDir(env), local);
  let result: EnsureInfraResult;
  try {
    result = await ensureInfra({ ...options, owner: 'tests' });
  } catch (error) {
    releaseLease(lease);
    throw error;
  }
  let released = false;
  return {
    ...result,
    async release(releaseOptions = {}) {
      if (released) return [];
      released = true;
      return withInfraLock(dataDir(env), log, async () => {
        releaseLease(lease);
        if (releaseOptions.keep) return [];
        const held = servicesLeasedByOthers(dataDir(env), lease.id);
        const ours = lease.services.filter(
          (name) => !held.has(name) && runningProcess(serviceDataDir(name, env))?.owner === 'tests',
        );
        return stopLocal(ours, env, log);
      });
    },
  };
}
