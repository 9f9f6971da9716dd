import { telemetryTopic } from '@fleet/contracts';
import { type WaitForOptions, waitFor } from '@fleet/testkit';
import mqtt, { type MqttClient } from 'mqtt';

/** One reading as a device sends it (the DESIGN.md input contract). */
export interface DeviceReading {
  vehicleId: string;
  ts: number;
  seq: number;
  lat: number;
  lon: number;
  speedKph: number;
  accelLongMps2: number;
}

export type SpeedProfile = (seq: number) => number;

export interface DeviceFleetOptions {
  brokerUrl: string;
  vehicles: { vehicleId: string; speed: SpeedProfile }[];
  /** Device time of reading 0; reading n is at `startTs + n * 1000` (1 Hz in event time). */
  startTs: number;
  /** Wall-clock pause between two rounds (one reading per vehicle each). */
  intervalMs: number;
  /** Stop after this many readings per vehicle. */
  readingsPerVehicle: number;
}

/**
 * Devices publishing at QoS 1 over real MQTT connections (mqtt.js, one per vehicle), keeping a
 * ledger of every reading the broker acknowledged (PUBACK): what the pipeline must never lose.
 */
export interface DeviceFleet {
  /** Readings acknowledged by the broker, per vehicle, by seq. */
  acked: Map<string, Map<number, DeviceReading>>;
  ackedCount(): number;
  sentCount(): number;
  /** Rounds published so far. */
  rounds(): number;
  pause(): void;
  resume(): void;
  /** Disconnects (outstanding publishes are abandoned: not acknowledged, not counted). */
  close(): Promise<void>;
}

export function deviceReading(vehicleId: string, seq: number, startTs: number, speedKph: number): DeviceReading {
  return { vehicleId, seq, ts: startTs + seq * 1000, lat: 52.5 + seq * 1e-5, lon: 13.4, speedKph, accelLongMps2: 0.2 };
}

export async function startDeviceFleet(options: DeviceFleetOptions): Promise<DeviceFleet> {
  const clients = new Map<string, MqttClient>();
  await Promise.all(
    options.vehicles.map(async ({ vehicleId }) => {
      // Persistent session + resubscribe off: a device that loses its connection resends its
      // unacknowledged QoS 1 messages after reconnecting, like real firmware.
      const client = await mqtt.connectAsync(options.brokerUrl, {
        clientId: `dev-${vehicleId}`,
        clean: false,
        reconnectPeriod: 500,
        protocolVersion: 4,
      });
      clients.set(vehicleId, client);
    }),
  );
  const acked = new Map(options.vehicles.map(({ vehicleId }) => [vehicleId, new Map<number, DeviceReading>()]));
  let sent = 0;
  let ackedTotal = 0;
  let round = 0;
  let paused = false;
  let closed = false;

  const publishRound = () => {
    for (const { vehicleId, speed } of options.vehicles) {
      const reading = deviceReading(vehicleId, round, options.startTs, speed(round));
      const client = clients.get(vehicleId)!;
      sent++;
      client.publishAsync(telemetryTopic(vehicleId), JSON.stringify(reading), { qos: 1 }).then(
        () => {
          acked.get(vehicleId)!.set(reading.seq, reading);
          ackedTotal++;
        },
        () => undefined,
      );
    }
    round++;
  };

  const publisher = (async () => {
    while (round < options.readingsPerVehicle && !closed) {
      if (!paused) publishRound();
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  })();

  return {
    acked,
    ackedCount: () => ackedTotal,
    sentCount: () => sent,
    rounds: () => round,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    async close() {
      closed = true;
      await publisher;
      await Promise.all([...clients.values()].map((client) => client.endAsync(true)));
    },
  };
}

/**
 * Waits until the fleet has published `rounds` rounds and the broker acknowledged every publish
 * (message by default: 'publishes were not acknowledged').
 */
export async function waitUntilAllAcked(devices: DeviceFleet, rounds: number, options: WaitForOptions): Promise<void> {
  await waitFor(() => devices.rounds() >= rounds && devices.ackedCount() === devices.sentCount(), {
    message: 'publishes were not acknowledged',
    ...options,
  });
}
