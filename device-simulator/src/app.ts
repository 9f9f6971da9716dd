import { randomUUID } from 'node:crypto';
import { telemetryTopic } from '@fleet/contracts';
import { MqttConnectionPool } from './adapters/mqtt-connection-pool';
import { deviceSourceFor } from './device-sources';
import type { FleetGeography } from './domain/fleet';
import type { DeviceReading } from './domain/reading';
import { formatIssuePath, SimulatorError } from './errors';
import { type SimulationOptions, type SimulationOptionsInput, simulationOptionsSchema } from './options';
import { type LoopEnd, PublishLoop } from './publish-loop';
import { type SimulationStats, StatsCollector } from './stats';

export interface PublishedReading {
  reading: DeviceReading;
  qos: 0 | 1;
  /** Publish→PUBACK (QoS 1) or publish→written (QoS 0). */
  latencyMs: number;
}

export interface SimulationHooks {
  /** A reading was acknowledged by the broker (QoS 1) or written to the socket (QoS 0). */
  onPublished?(event: PublishedReading): void;
  onPublishFailed?(reading: DeviceReading, error: Error): void;
}

export type StopReason = LoopEnd | 'duration' | 'stopped';

export interface SimulationSummary extends SimulationStats {
  reason: StopReason;
  /** Readings still without a PUBACK when the drain timeout ran out. */
  unacknowledged: number;
  averageRatePerSec: number;
}

export interface SimulationHandle {
  readonly options: SimulationOptions;
  readonly vehicleIds: readonly string[];
  /** Where the generated fleet drives (undefined in scenario mode). */
  readonly geography: FleetGeography | undefined;
  stats(): SimulationStats;
  /** Stops publishing, waits briefly for outstanding PUBACKs, disconnects. Idempotent. */
  stop(): Promise<SimulationSummary>;
  /** Settles when the run ends: duration, max readings, scenario complete or stop(). */
  readonly done: Promise<SimulationSummary>;
}

const DRAIN_POLL_MS = 20;

/** Validates options (throws SimulatorError CONFIG_INVALID listing every problem). */
export function resolveSimulationOptions(input: SimulationOptionsInput): SimulationOptions {
  const result = simulationOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${formatIssuePath(issue.path) || '(options)'}: ${issue.message}`);
  throw new SimulatorError('CONFIG_INVALID', `invalid simulation options:\n${problems.join('\n')}`);
}

/** Connects the vehicles (ramped), publishes their readings and counts everything. */
export function startSimulation(input: SimulationOptionsInput, hooks: SimulationHooks = {}): SimulationHandle {
  const options = resolveSimulationOptions(input);
  const source = deviceSourceFor(options);
  const vehicleCount = source.vehicleIds.length;
  const connectionCount = Math.min(options.connections ?? vehicleCount, vehicleCount);
  const connectionOf = (vehicle: number) => vehicle % connectionCount;
  const clientIds = options.connections !== undefined
    ? Array.from({ length: connectionCount }, (_, k) => `fleet-sim-mux-${k + 1}-${randomUUID().slice(0, 8)}`)
    : source.vehicleIds;
  const startedAtMs = Date.now();
  const stats = new StatsCollector(startedAtMs, vehicleCount, connectionCount);

  const loop = new PublishLoop({
    source,
    pace: options.scenario ? options.replay : 'realtime',
    maxInFlight: options.maxInFlight,
    maxReadings: options.maxReadings,
    inFlight: () => stats.inFlight,
    send: (index, reading) => publish(index, reading),
    onEnd: (reason) => void finish(reason),
  });

  let connectionsUp = 0;
  const pool = new MqttConnectionPool({
    brokerUrl: options.brokerUrl,
    clientIds,
    credentials: (clientId) => ({
      username: options.usernameTemplate.replaceAll('{vehicleId}', clientId),
      password: options.passwordTemplate?.replaceAll('{vehicleId}', clientId),
    }),
    connectRatePerSec: options.connectRatePerSec,
    events: {
      up: () => stats.connectionUp(),
      down: () => stats.connectionDown(),
      error: (error) => stats.error(error),
      firstConnect: (connection) => {
        connectionsUp++;
        if (source.startTogether) {
          if (connectionsUp === connectionCount) activate(() => true, options.startMs ?? Date.now());
        } else {
          activate((vehicle) => connectionOf(vehicle) === connection, Date.now());
        }
      },
    },
  });

  function activate(belongs: (vehicle: number) => boolean, startMs: number): void {
    for (let vehicle = 0; vehicle < vehicleCount; vehicle++) {
      if (!belongs(vehicle)) continue;
      stats.vehicleActivated();
      loop.activate(vehicle, startMs);
    }
  }

  function publish(index: number, reading: DeviceReading): void {
    const { qos } = options;
    const startedAt = performance.now();
    stats.readingSent();
    const topic = telemetryTopic(source.vehicleIds[index] as string);
    pool.publish(connectionOf(index), topic, JSON.stringify(reading), qos, (error) => {
      if (error) {
        stats.readingFailed(error);
        hooks.onPublishFailed?.(reading, error);
        return;
      }
      const latencyMs = performance.now() - startedAt;
      stats.readingAcked(qos === 1 ? latencyMs : null);
      hooks.onPublished?.({ reading, qos, latencyMs });
    });
  }

  const rateTimer = setInterval(() => stats.sampleRate(Date.now()), 1000);
  const durationTimer = options.durationMs === undefined ? undefined : setTimeout(() => void finish('duration'), options.durationMs);
  let finishing: Promise<SimulationSummary> | undefined;
  let resolveDone: (summary: SimulationSummary) => void = () => {};
  const done = new Promise<SimulationSummary>((resolve) => {
    resolveDone = resolve;
  });

  function finish(reason: StopReason): Promise<SimulationSummary> {
    finishing ??= (async () => {
      loop.stop();
      clearTimeout(durationTimer);
      clearInterval(rateTimer);
      const drainUntil = Date.now() + options.drainTimeoutMs;
      while (stats.inFlight > 0 && Date.now() < drainUntil) await sleep(DRAIN_POLL_MS);
      const unacknowledged = stats.inFlight;
      await pool.close();
      const snapshot = stats.snapshot(Date.now());
      const seconds = Math.max(snapshot.elapsedMs, 1) / 1000;
      const summary = { ...snapshot, reason, unacknowledged, averageRatePerSec: snapshot.sent / seconds };
      resolveDone(summary);
      return summary;
    })();
    return finishing;
  }

  loop.start();
  pool.start();
  return {
    options,
    vehicleIds: source.vehicleIds,
    geography: source.fleet?.geography,
    stats: () => stats.snapshot(Date.now()),
    stop: () => finish('stopped'),
    done,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
