/**
 * npm run infra:up [service…|--all]  fetch once, start, wait until ready (no-op when running)
 * npm run infra:down [service…]      stop (everything the servers spawned too)
 * npm run infra:status               what runs where
 * Services: kafka, schema-registry, influxdb, smtp, mqtt (what `up` starts by default) and
 * influxdb2 (opt-in: `up -- influxdb2` or `up -- --all`); `down` and `status` cover all of them.
 */
import {
  abortStarts,
  currentEndpoints,
  DEFAULT_SERVICES,
  ensureInfra,
  InfraConfigError,
  infraStatus,
  MissingPrerequisiteError,
  SERVICE_NAMES,
  type ServiceName,
  releaseOwnLock,
  stopInfra,
} from './index';
import { killForegroundCommands } from './run-command';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const log = (line: string) => process.stdout.write(`[${elapsed()}] ${line}\n`);

function parseServices(args: string[]): ServiceName[] | undefined {
  if (args.length === 0) return undefined;
  if (args.includes('--all')) return [...SERVICE_NAMES];
  const unknown = args.filter((arg) => !(SERVICE_NAMES as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    throw new InfraConfigError(`unknown service ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')}, or --all)`);
  }
  return args as ServiceName[];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

async function status(services?: ServiceName[]): Promise<void> {
  const statuses = await infraStatus(services ? { services } : {});
  const rows = [['SERVICE', 'STATE', 'PID', 'OWNER', 'ENDPOINT', 'WHAT']];
  for (const s of statuses) {
    const state = s.ready ? 'ready' : s.pid !== undefined ? 'starting/unhealthy' : s.mode === 'external' ? 'unreachable' : 'stopped';
    rows.push([s.name, state, s.pid ? String(s.pid) : '-', s.owner ?? (s.mode === 'external' ? 'external' : '-'), s.endpoint, s.description]);
  }
  process.stdout.write(`${table(rows)}\n`);
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const services = parseServices(rest);
  switch (command) {
    case 'up': {
      const interrupt = () => {
        log('interrupted: stopping fetches/builds and the servers this run started');
        killForegroundCommands();
        abortStarts(log).finally(() => {
          releaseOwnLock();
          process.exit(130);
        });
      };
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const result = await ensureInfra({ ...(services ? { services } : {}), log, owner: 'cli' });
      log(result.started.length > 0 ? `started: ${result.started.join(', ')}` : 'nothing to start: all already running');
      process.stdout.write('\n');
      await status(services ?? [...DEFAULT_SERVICES]);
      return 0;
    }
    case 'down': {
      const stopped = await stopInfra(services, { log });
      log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
      return 0;
    }
    case 'status':
      await status(services);
      return 0;
    case 'env': {
      process.stdout.write(`${JSON.stringify(currentEndpoints(), null, 2)}\n`);
      return 0;
    }
    default:
      process.stderr.write(`usage: tsx infra/src/cli.ts up|down|status|env [${SERVICE_NAMES.join('|')} … | --all]\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const known = error instanceof InfraConfigError || error instanceof MissingPrerequisiteError;
    process.stderr.write(`\ninfra: ${known ? error.message : (error.stack ?? error.message)}\n`);
    process.exit(1);
  },
);
