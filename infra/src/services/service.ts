import type { InfraEndpoints, LocalPorts, ServiceName } from '../endpoints';
import type { Owner } from '../process-supervisor';
import type { Requirement } from '../prerequisites';
import type { Log } from '../run-command';

export type { Log };

/** What every service module gets: where things go and which ports to use. */
export interface ServiceContext {
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  /** `<dataDir>/<service>`: data, config, log and pid file of this service. */
  serviceDir: string;
  ports: LocalPorts;
  endpoints: InfraEndpoints;
  owner: Owner;
}

/** One local server the project runs itself. */
export interface LocalService {
  name: ServiceName;
  /** Human-readable version, e.g. "Apache Kafka 4.1.1". */
  description: string;
  /** Tools needed: to install (only checked when not installed yet) and to run. */
  requirements(installed: boolean): Requirement[];
  /** True when the fetched/built artefacts are in the cache. */
  isInstalled(): boolean;
  /** Fetches or builds into the cache, once (a no-op when already installed). */
  install(log: Log): Promise<void>;
  /** Host/ports this service binds (checked to be free before starting). */
  bindings(): { host: string; port: number }[];
  /** Spawns the server detached (pid/log under serviceDir). Does not wait for readiness. */
  start(log: Log): Promise<void>;
  /** One real request that succeeds only when the server is usable. */
  isReady(): Promise<boolean>;
  /** Runs once the server is ready (e.g. creates the InfluxDB database); idempotent. */
  afterReady?(log: Log): Promise<void>;
  /** The file to look at when it fails to start (shown in the error). */
  logFile: string;
  /** How long a start may take before it is considered failed. */
  readyTimeoutMs: number;
  /** Stops the server and everything it spawned; false when nothing was running. */
  stop(log: Log): Promise<boolean>;
}
