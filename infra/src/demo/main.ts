/**
 * npm start: the whole pipeline on this machine with a simulated fleet (see DEMO_USAGE).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startSimulation } from '@fleet/device-simulator';
import { dataDir, ensureInfra, repoRoot, stopInfra } from '../index';
import { DEMO_USAGE, parseDemoOptions } from './demo-options';
import { readLiveCounts } from './live-counts';
import { seedDemoFleet } from './seed-fleet';
import { type RunningService, type ServiceSpec, startService, waitUntilReady } from './service-process';

const PORTS = { bridge: 9101, processors: 9102, sinks: 9103, alerts: 9104, api: 8080, mqtt: 1883, mqttWs: 8883 };
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.help) {
    say(DEMO_USAGE);
    return;
  }
  say('fleet telemetry demo: starting the local infrastructure (the first run fetches and builds it)…');
  const infra = await ensureInfra({ owner: 'cli', log: (line) => say(`  [infra] ${line}`) });
  const { endpoints } = infra;
  const adminToken = process.env.ADMIN_TOKEN ?? randomBytes(24).toString('hex');
  const common = {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.registryUrl,
    INFLUX_URL: endpoints.influx.url,
    INFLUX_TOKEN: endpoints.influx.token,
    INFLUX_ORG: endpoints.influx.org,
    INFLUX_BUCKET: endpoints.influx.bucket,
    SMTP_HOST: endpoints.smtp.host,
    SMTP_PORT: String(endpoints.smtp.port),
  };
  const specs: ServiceSpec[] = [
    { name: 'bridge', dir: 'bridge', opsPort: PORTS.bridge, env: { ...common, OPS_PORT: String(PORTS.bridge) } },
    {
      name: 'stream-processors',
      dir: 'stream-processors',
      opsPort: PORTS.processors,
      env: { ...common, OPS_PORT: String(PORTS.processors) },
      // Per-vehicle states live just long enough to be promoted; a larger young generation halves GC cost.
      nodeArgs: ['--max-semi-space-size=64'],
    },
    { name: 'sinks', dir: 'sinks', opsPort: PORTS.sinks, env: { ...common, OPS_PORT: String(PORTS.sinks) } },
    {
      name: 'alerts',
      dir: 'alerts',
      opsPort: PORTS.alerts,
      env: { ...common, OPS_PORT: String(PORTS.alerts), HTTP_PORT: String(PORTS.api), ADMIN_TOKEN: adminToken },
    },
  ];
  const logDir = join(dataDir(), 'logs');
  const services: RunningService[] = [];
  let simulation: ReturnType<typeof startSimulation> | undefined;
  let statusTimer: NodeJS.Timeout | undefined;

  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) => {
    stopping ??= (async () => {
      say(`\n${reason}: stopping the simulator, the services and the infrastructure this command started…`);
      clearInterval(statusTimer);
      const summary = await simulation?.stop();
      if (summary) say(`  simulator: ${summary.sent} readings sent, ${summary.acked} acknowledged`);
      for (const service of [...services].reverse()) await service.stop();
      if (infra.started.length > 0) await stopInfra(infra.started, { log: (line) => say(`  [infra] ${line}`) });
      say('stopped.');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll(signal).then(() => process.exit(0)));
  }

  try {
    for (const spec of specs) {
      say(`starting ${spec.name} (logs: ${join(logDir, `${spec.name}.log`)})`);
      services.push(startService(spec, repoRoot, logDir));
    }
    await Promise.all(services.map((service) => waitUntilReady(service)));

    const apiUrl = `http://127.0.0.1:${PORTS.api}`;
    simulation = startSimulation({
      brokerUrl: `mqtt://127.0.0.1:${PORTS.mqtt}`,
      vehicles: options.vehicles,
      ratePerSec: options.rate,
      seed: options.seed,
      qos: 1,
    });
    const geography = simulation.geography;
    if (geography === undefined) throw new Error('the simulator did not describe its fleet geography');
    const seeded = await seedDemoFleet({ apiUrl, adminToken, vehicleIds: simulation.vehicleIds, geography });

    say(`
The pipeline is running with ${options.vehicles} simulated vehicles at ${options.rate} Hz.

  Registry API      ${apiUrl}/api   (OpenAPI: ${apiUrl}/api/openapi.json)
                    admin token: ${adminToken}
                    e.g. curl -H "Authorization: Bearer ${adminToken}" ${apiUrl}/api/vehicles
  Owner tokens      ${seeded.owners.map((owner) => `${owner.id}: ${owner.token ?? '(already existed)'}`).join('\n                    ')}
  Caught emails     ${endpoints.mailApiUrl}/api/v1/messages
  InfluxDB          ${endpoints.influx.url}  bucket ${endpoints.influx.bucket}
                    curl -s ${endpoints.influx.url}/query --data-urlencode "db=fleet" \\
                      --data-urlencode "q=SELECT count(speed_kph) FROM telemetry WHERE time > now() - 5m"
  MQTT (devices)    mqtt://127.0.0.1:${PORTS.mqtt}  ws://127.0.0.1:${PORTS.mqttWs}
  Health/metrics    http://127.0.0.1:{${PORTS.bridge},${PORTS.processors},${PORTS.sinks},${PORTS.alerts}}/{healthz,readyz,metrics}
  Service logs      ${logDir}

Ctrl-C stops everything.
`);
    statusTimer = setInterval(() => {
      void readLiveCounts(PORTS).then((counts) => {
        const sim = simulation?.stats();
        say(
          `[${new Date().toISOString().slice(11, 19)}] published ${sim?.sent ?? 0}  accepted ${counts.readingsAccepted}  ` +
            `rejected ${counts.readingsRejected}  events ${counts.events}  points ${counts.pointsWritten}  emails ${counts.emailsSent}`,
        );
      });
    }, 5000);
  } catch (error) {
    say(`start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll('start-up failed');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
