import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST } from '../endpoints';
import { httpStatus } from '../net';
import { javaCommand } from '../prerequisites';
import { spawnDetached, stopProcess } from '../process-supervisor';
import { runCommand } from '../run-command';
import type { LocalService, ServiceContext } from './service';

/**
 * Apicurio Registry 3.0.9: the newest 3.x on Maven Central that runs on Java 17 (the 3.3.x builds
 * are compiled for Java 21, class file version 65).
 */
export const DEFAULT_APICURIO_VERSION = '3.0.9';

function javaNeeded(version: string): number {
  return version.startsWith('3.0.') ? 17 : 21;
}

export function schemaRegistryService(ctx: ServiceContext): LocalService {
  const version = ctx.env.FLEET_APICURIO_VERSION?.trim() || DEFAULT_APICURIO_VERSION;
  if (!/^3\.\d+\.\d+$/.test(version)) {
    throw new Error(`FLEET_APICURIO_VERSION=${version} is invalid: expected a 3.x.y version`);
  }
  const installDir = join(ctx.cacheDir, `apicurio-registry-${version}`);
  const completeMarker = join(installDir, '.complete');
  const dbDir = join(ctx.serviceDir, 'h2');
  const port = ctx.ports.registry;
  const baseUrl = `http://${LOCAL_HOST}:${port}`;

  /** The archive holds either `<name>-runner.jar` (3.0.x) or `quarkus-run.jar` (3.1+). */
  function runnerJar(): string {
    const direct = join(installDir, 'quarkus-run.jar');
    if (existsSync(direct)) return direct;
    const runner = readdirSync(installDir).find((file) => file.endsWith('-runner.jar'));
    if (runner === undefined) throw new Error(`schema-registry: no runnable jar in ${installDir}`);
    return join(installDir, runner);
  }

  return {
    name: 'schema-registry',
    description: `Apicurio Registry ${version} (H2 file storage, Confluent-compatible API)`,
    logFile: join(ctx.serviceDir, 'process.log'),
    readyTimeoutMs: 120_000,

    requirements: (installed) => [
      { tool: 'java', minVersion: javaNeeded(version), reason: `to run Apicurio Registry ${version}` },
      ...(installed ? [] : [{ tool: 'mvn' as const, minVersion: 3, reason: 'to fetch Apicurio Registry' }]),
    ],

    isInstalled: () => existsSync(completeMarker),

    async install(log) {
      if (existsSync(completeMarker)) return;
      const staging = `${installDir}.partial-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      log(`schema-registry: fetching Apicurio Registry ${version} (~110 MB) with Maven (first run only)`);
      await runCommand(
        'mvn',
        [
          '-B',
          'dependency:copy',
          `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
          `-DoutputDirectory=${staging}`,
        ],
        { log, label: 'schema-registry', env: ctx.env, showLine: (line) => /^\[(ERROR|WARNING)\]/.test(line) },
      );
      const archive = join(staging, `apicurio-registry-app-${version}-all.tar.gz`);
      log('schema-registry: unpacking');
      await runCommand('tar', ['-xzf', archive, '-C', staging], { log, label: 'schema-registry' });
      rmSync(archive);
      writeFileSync(join(staging, '.complete'), `${version}\n`);
      rmSync(installDir, { recursive: true, force: true });
      renameSync(staging, installDir);
      runnerJar();
      log(`schema-registry: Apicurio Registry ${version} ready in ${installDir}`);
    },

    bindings: () => [{ host: LOCAL_HOST, port }],

    async start(log) {
      mkdirSync(dbDir, { recursive: true });
      const jar = runnerJar();
      const props: Record<string, string> = {
        'quarkus.http.host': LOCAL_HOST,
        'quarkus.http.port': String(port),
        'quarkus.http.access-log.enabled': 'false',
        'quarkus.log.console.color': 'false',
        // Durable storage: an H2 database file under .local/schema-registry/h2.
        'apicurio.storage.kind': 'sql',
        'apicurio.storage.sql.kind': 'h2',
        'apicurio.datasource.url': `jdbc:h2:file:${join(dbDir, 'registry')}`,
        'apicurio.datasource.username': 'sa',
        'apicurio.datasource.password': 'sa',
        // Let tests delete what they registered.
        'apicurio.rest.deletion.artifact.enabled': 'true',
        'apicurio.rest.deletion.artifact-version.enabled': 'true',
        'apicurio.rest.deletion.group.enabled': 'true',
      };
      spawnDetached({
        command: javaCommand(ctx.env),
        args: [
          '-Xms64m',
          `-Xmx${ctx.env.FLEET_REGISTRY_HEAP?.trim() || '384m'}`,
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          '-Djava.awt.headless=true',
          ...Object.entries(props).map(([key, value]) => `-D${key}=${value}`),
          '-jar',
          jar,
        ],
        cwd: ctx.serviceDir,
        env: ctx.env,
        dir: ctx.serviceDir,
        marker: jar,
        owner: ctx.owner,
      });
      log(`schema-registry: started (log: ${join(ctx.serviceDir, 'process.log')})`);
    },

    isReady: async () => (await httpStatus(`${baseUrl}/apis/ccompat/v7/subjects`)) === 200,

    stop: (log) => stopProcess(ctx.serviceDir, { name: 'schema-registry', log, timeoutMs: 20_000 }),
  };
}
