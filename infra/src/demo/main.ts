/**
 * npm start: the whole pipeline on this machine with a simulated fleet (see DEMO_USAGE).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createFleet, resolveSimulationOptions, startSimulation } from '@fleet/device-simulator';
import { dataDir, ensureInfra, stopInfra } from '../index';
import { type Pipeline, launchPipeline, logFileOf } from '../pipeline/launch-pipeline';
import { readLiveCounts } from '../pipeline/live-counts';
import { DEMO_USAGE, parseDemoOptions } from './demo-options';
import { seedDemoFleet } from './seed-fleet';

const say = (line: string) => process.stdout.write(`${line}\n`);
const infraLog = (line: string) => say(`  [infra] ${line}`);

async function main(): Promise<void> {
  const options = parseDemoOptions(process.argv.slice(2));
  if (options.help) {
    say(DEMO_USAGE);
    return;
  }
  say('fleet telemetry demo: starting the local infrastructure (the first run fetches and builds it)…');
  const infra = await ensureInfra({ owner: 'cli', log: infraLog });
  const { endpoints } = infra;
  const adminToken = process.env.ADMIN_TOKEN ?? randomBytes(24).toString('hex');
  const logDir = join(dataDir(), 'logs');
  let pipeline: Pipeline | undefined;
  let simulation: ReturnType<typeof startSimulation> | undefined;
  let statusTimer: NodeJS.Timeout | undefined;

  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) => {
    stopping ??= (async () => {
      say(`\n${reason}: stopping the simulator, the services and the infrastructure this command started…`);
      clearInterval(statusTimer);
      const summary = await simulation?.stop();
      if (summary) say(`  simulator: ${summary.sent} readings sent, ${summary.acked} acknowledged`);
      await pipeline?.stop();
      if (infra.started.length > 0) await stopInfra(infra.started, { log: infraLog });
      say('stopped.');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll(signal).then(() => process.exit(0)));
  }

  try {
    pipeline = await launchPipeline({ endpoints, adminToken, logDir }, (service) =>
      say(`starting ${service.spec.name} (logs: ${service.logFile})`),
    );
    const { ports, apiUrl } = pipeline;
    const simulationOptions = resolveSimulationOptions({
      brokerUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
      vehicles: options.vehicles,
      ratePerSec: options.rate,
      seed: options.seed,
      qos: 1,
    });
    // The registry (depot geofence included) must be in place before the first vehicle leaves it.
    const fleet = createFleet(simulationOptions);
    const seeded = await seedDemoFleet({ apiUrl, adminToken, vehicleIds: fleet.vehicleIds, geography: fleet.geography });
    simulation = startSimulation(simulationOptions);

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
  MQTT (devices)    mqtt://127.0.0.1:${ports.mqtt}  ws://127.0.0.1:${ports.mqttWs}
  Health/metrics    http://127.0.0.1:{${ports.bridgeOps},${ports.processorsOps},${ports.sinksOps},${ports.alertsOps}}/{healthz,readyz,metrics}
  Service logs      ${logFileOf(logDir, '<service>')}

Ctrl-C stops everything.
`);
    statusTimer = setInterval(() => {
      void readLiveCounts(ports).then((counts) => {
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
