import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { LOCAL_HOST } from '../endpoints';
import { infraRoot } from '../paths';
import { spawnDetached, stopProcess } from '../process-supervisor';
import { runGo } from './go-build';
import type { LocalService, ServiceContext } from './service';

/** The Go main that embeds mochi-mqtt (infra/mqtt-broker: main.go, go.mod, go.sum). */
export const MQTT_BROKER_SOURCE = join(infraRoot, 'mqtt-broker');
const SOURCE_FILES = ['main.go', 'go.mod', 'go.sum'];

/** The mochi-mqtt version pinned in infra/mqtt-broker/go.mod. */
export function mochiVersion(goMod = readFileSync(join(MQTT_BROKER_SOURCE, 'go.mod'), 'utf8')): string {
  const match = /github\.com\/mochi-mqtt\/server\/v2 v(\S+)/.exec(goMod);
  if (match?.[1] === undefined) throw new Error('infra/mqtt-broker/go.mod does not require github.com/mochi-mqtt/server/v2');
  return match[1];
}

/** Short hash of the broker's sources: a changed main.go or go.mod builds a new binary. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCE_FILES) hash.update(readFileSync(join(MQTT_BROKER_SOURCE, file)));
  return hash.digest('hex').slice(0, 12);
}

/**
 * True when an MQTT 5 client can connect (CONNACK success) within the timeout: a real session
 * with a throw-away client id, closed again at once.
 */
export async function mqttConnects(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = mqtt.connect(url, {
    protocolVersion: 5,
    clean: true,
    clientId: `fleet-infra-probe-${randomBytes(4).toString('hex')}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  });
  const connected = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const settle = (ok: boolean) => () => {
      clearTimeout(timer);
      resolve(ok);
    };
    client.once('connect', settle(true));
    client.once('error', settle(false));
    client.once('close', settle(false));
  });
  client.removeAllListeners('error');
  client.on('error', () => undefined);
  await client.endAsync(!connected);
  return connected;
}

export function mqttBrokerService(ctx: ServiceContext): LocalService {
  const version = mochiVersion();
  const binDir = join(ctx.cacheDir, `mochi-mqtt-${version}-${sourceHash()}`, 'bin');
  const binary = join(binDir, 'mqtt-broker');
  const address = `${LOCAL_HOST}:${ctx.ports.mqtt}`;
  const logFile = join(ctx.serviceDir, 'process.log');

  return {
    name: 'mqtt',
    description: `mochi-mqtt ${version} (MQTT 5, shared subscriptions)`,
    logFile,
    readyTimeoutMs: 30_000,

    requirements: (installed) =>
      installed ? [] : [{ tool: 'go', minVersion: 21, reason: `to build the mochi-mqtt ${version} broker` }],

    isInstalled: () => existsSync(binary),

    async install(log) {
      if (existsSync(binary)) return;
      log(`mqtt: building the mochi-mqtt ${version} broker (infra/mqtt-broker) with \`go build\` (first run only)`);
      mkdirSync(binDir, { recursive: true });
      // Built beside its final name and renamed: an interrupted build never leaves a binary that
      // would count as installed.
      const partial = `${binary}.partial`;
      await runGo(['build', '-v', '-trimpath', '-mod=readonly', '-o', partial, '.'], {
        log,
        label: 'mqtt',
        cwd: MQTT_BROKER_SOURCE,
        env: ctx.env,
      });
      renameSync(partial, binary);
      log(`mqtt: built ${binary}`);
    },

    bindings: () => [{ host: LOCAL_HOST, port: ctx.ports.mqtt }],

    async start(log) {
      mkdirSync(ctx.serviceDir, { recursive: true });
      spawnDetached({
        command: binary,
        args: ['-addr', address],
        cwd: ctx.serviceDir,
        env: ctx.env,
        dir: ctx.serviceDir,
        marker: `mqtt-broker -addr ${address}`,
        owner: ctx.owner,
      });
      log(`mqtt: started (log: ${logFile})`);
    },

    isReady: () => mqttConnects(`mqtt://${address}`),

    stop: (log) => stopProcess(ctx.serviceDir, { name: 'mqtt', log, timeoutMs: 10_000 }),
  };
}
