import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INFLUX2, LOCAL_HOST } from '../endpoints';
import { spawnDetached, stopProcess } from '../process-supervisor';
import type { Log } from '../run-command';
import { buildInfluxdb2, INFLUXDB2_VERSION, influxdb2Paths } from './influxdb2-build';
import type { LocalService, ServiceContext } from './service';

export { INFLUXDB2_VERSION } from './influxdb2-build';

/** The InfluxDB 1.x database/retention policy mapped to the bucket, for InfluxQL (`/query?db=fleet`). */
export const INFLUX2_DBRP = { database: 'fleet', retentionPolicy: 'autogen' } as const;

/** Where the local server's operator token is kept (generated at its first start, mode 0600). */
export const influxdb2TokenFile = (serviceDir: string): string => join(serviceDir, 'admin-token');

/** The local server's token, or undefined before its first start. */
export function readInfluxdb2Token(serviceDir: string): string | undefined {
  try {
    return readFileSync(influxdb2TokenFile(serviceDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** GET /health answers 200 with `"status": "pass"`. */
export async function influxdb2Healthy(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { status?: string };
    return response.status === 200 && body.status === 'pass';
  } catch {
    return false;
  }
}

class Influx2Api {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Token ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the error
    }
    return { status: response.status, body: parsed as T };
  }

  async expect<T>(method: string, path: string, status: number, body?: unknown): Promise<T> {
    const result = await this.call<T>(method, path, body);
    if (result.status !== status) {
      throw new Error(`influxdb2: ${method} ${path} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`);
    }
    return result.body;
  }
}

/**
 * Onboards a fresh server (org, bucket, a locally generated token kept under the data dir) and
 * makes sure the bucket and its v1 mapping (database `fleet`, retention policy `autogen`) exist, so
 * InfluxQL over `/query` works as on 1.8. Idempotent: on an onboarded server it only checks.
 */
export async function setUpInfluxdb2(baseUrl: string, serviceDir: string, log: Log): Promise<void> {
  const { org, bucket } = DEFAULT_INFLUX2;
  const tokenFile = influxdb2TokenFile(serviceDir);
  const { allowed } = await new Influx2Api(baseUrl).expect<{ allowed: boolean }>('GET', '/api/v2/setup', 200);
  if (allowed) {
    const token = randomBytes(32).toString('base64url');
    // Written first: a server set up with a token nobody kept could only be reset.
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    await new Influx2Api(baseUrl).expect('POST', '/api/v2/setup', 201, {
      username: 'fleet-admin',
      // Nothing logs in with it (the UI is not built); the token is the credential.
      password: randomBytes(24).toString('base64url'),
      org,
      bucket,
      token,
      retentionPeriodSeconds: 0,
    });
    log(`influxdb2: set up org "${org}", bucket "${bucket}", operator token in ${tokenFile}`);
  }
  const token = readInfluxdb2Token(serviceDir);
  const reset = `stop it and delete its data to set it up again: npm run infra:down -- influxdb2 && rm -rf ${serviceDir}`;
  if (token === undefined) throw new Error(`influxdb2: the server is set up but ${tokenFile} is missing; ${reset}`);
  const api = new Influx2Api(baseUrl, token);
  const orgs = await api.call<{ orgs?: { id: string }[] }>('GET', `/api/v2/orgs?org=${encodeURIComponent(org)}`);
  if (orgs.status === 401) throw new Error(`influxdb2: the server does not accept the token in ${tokenFile}; ${reset}`);
  const orgID = orgs.body.orgs?.[0]?.id;
  if (orgs.status !== 200 || orgID === undefined) throw new Error(`influxdb2: org "${org}" not found (${orgs.status}); ${reset}`);

  const found = await api.expect<{ buckets: { id: string }[] }>('GET', `/api/v2/buckets?orgID=${orgID}&name=${encodeURIComponent(bucket)}`, 200);
  const bucketID =
    found.buckets[0]?.id ??
    (await api.expect<{ id: string }>('POST', '/api/v2/buckets', 201, { orgID, name: bucket, retentionRules: [] })).id;

  const { database, retentionPolicy } = INFLUX2_DBRP;
  const mappings = await api.expect<{ content: { bucketID: string; virtual?: boolean }[] }>(
    'GET',
    `/api/v2/dbrps?orgID=${orgID}&db=${database}&rp=${retentionPolicy}`,
    200,
  );
  if (!mappings.content.some((mapping) => mapping.bucketID === bucketID && mapping.virtual !== true)) {
    await api.expect('POST', '/api/v2/dbrps', 201, { orgID, bucketID, database, retention_policy: retentionPolicy, default: true });
    log(`influxdb2: mapped database/retention policy ${database}/${retentionPolicy} to bucket "${bucket}" (InfluxQL)`);
  }
}

export function influxdb2Service(ctx: ServiceContext): LocalService {
  const paths = influxdb2Paths(ctx.cacheDir);
  const dir = ctx.serviceDir;
  const baseUrl = `http://${LOCAL_HOST}:${ctx.ports.influx2Http}`;
  const boltPath = join(dir, 'influxd.bolt');
  const logFile = join(dir, 'process.log');

  return {
    name: 'influxdb2',
    description: `InfluxDB ${INFLUXDB2_VERSION} (org ${DEFAULT_INFLUX2.org}, bucket ${DEFAULT_INFLUX2.bucket}, token auth)`,
    logFile,
    readyTimeoutMs: 60_000,

    requirements: (installed) => {
      if (installed) return [];
      const reason = `to build InfluxDB ${INFLUXDB2_VERSION}`;
      return [
        { tool: 'go', minVersion: 23, reason },
        { tool: 'rustc', minVersion: 72, reason: `${reason} (Flux's Rust library)` },
        { tool: 'cargo', minVersion: 0, reason: `${reason} (Flux's Rust library)` },
        { tool: 'gcc', minVersion: 0, reason: `${reason} (cgo: Flux, SQLite)` },
      ];
    },

    isInstalled: () => existsSync(paths.binary),

    async install(log) {
      if (existsSync(paths.binary)) return;
      log(
        `influxdb2: building InfluxDB ${INFLUXDB2_VERSION} from source (first use only: about 5 minutes on 2 cores, ` +
          'up to ~4.5 GB of disk during the build, 1.4 GB of it Go modules that stay in the module cache)',
      );
      await buildInfluxdb2(paths, ctx.env, log);
    },

    bindings: () => [{ host: LOCAL_HOST, port: ctx.ports.influx2Http }],

    async start(log) {
      mkdirSync(dir, { recursive: true });
      // influxd also reads INFLUXD_* variables (and INFLUXD_CONFIG_PATH): only these flags count.
      const env = Object.fromEntries(Object.entries(ctx.env).filter(([name]) => !name.startsWith('INFLUXD_')));
      spawnDetached({
        command: paths.binary,
        args: [
          '--http-bind-address',
          `${LOCAL_HOST}:${ctx.ports.influx2Http}`,
          '--bolt-path',
          boltPath,
          '--engine-path',
          join(dir, 'engine'),
          '--sqlite-path',
          join(dir, 'influxd.sqlite'),
          '--reporting-disabled',
          '--ui-disabled',
        ],
        cwd: dir,
        env,
        dir,
        marker: boltPath,
        owner: ctx.owner,
      });
      log(`influxdb2: started (log: ${logFile})`);
    },

    isReady: () => influxdb2Healthy(baseUrl),

    afterReady: (log) => setUpInfluxdb2(baseUrl, dir, log),

    stop: (log) => stopProcess(dir, { name: 'influxdb2', log, timeoutMs: 20_000 }),
  };
}
