import { afterEach, describe, expect, it } from 'vitest';
import { type PublishedReading, startSimulation } from '../src/app';
import type { DeviceReading } from '../src/domain/reading';
import { type Scenario, scriptedReadings } from '../src/domain/scenario';
import { startTestBroker, type TestBroker } from './test-broker';

let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

/** Acknowledged readings per vehicle, in acknowledgement order. */
function collectPublished() {
  const acked = new Map<string, DeviceReading[]>();
  return {
    acked,
    onPublished: ({ reading }: PublishedReading) => {
      const list = acked.get(reading.vehicleId) ?? [];
      list.push(reading);
      acked.set(reading.vehicleId, list);
    },
  };
}

describe('publishing through a real MQTT broker', () => {
  it('the broker receives exactly the readings reported as acknowledged, per vehicle in order (QoS 1)', async () => {
    broker = await startTestBroker();
    const { acked, onPublished } = collectPublished();
    const simulation = startSimulation(
      { brokerUrl: broker.url, vehicles: 4, ratePerSec: 10, qos: 1, seed: 3, durationMs: 1500 },
      { onPublished },
    );
    const summary = await simulation.done;

    expect(summary.reason).toBe('duration');
    expect(summary.unacknowledged).toBe(0);
    expect(summary.errors).toBe(0);
    expect(summary.acked).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThanOrEqual(4 * 10);
    expect(summary.latencyMs?.count).toBe(summary.acked);
    expect([...acked.keys()].sort()).toEqual(['veh-00001', 'veh-00002', 'veh-00003', 'veh-00004']);
    for (const [vehicleId, readings] of acked) {
      expect(broker.received.get(vehicleId)).toEqual(readings);
      expect(readings.map((reading) => reading.seq)).toEqual(readings.map((_, index) => index));
    }
    expect([...broker.publishers].sort()).toEqual([...acked.keys()].sort());
  });

  it('multiplexes many vehicles over a few connections', async () => {
    broker = await startTestBroker();
    const { acked, onPublished } = collectPublished();
    const simulation = startSimulation(
      { brokerUrl: broker.url, vehicles: 6, connections: 2, ratePerSec: 10, maxReadings: 60 },
      { onPublished },
    );
    const summary = await simulation.done;

    expect(summary.reason).toBe('max-readings');
    expect(summary.sent).toBe(60);
    expect(summary.acked).toBe(60);
    expect(summary.connections.total).toBe(2);
    expect(broker.publishers.size).toBe(2);
    expect(broker.received.size).toBe(6);
    for (const [vehicleId, readings] of acked) expect(broker.received.get(vehicleId)).toEqual(readings);
  });

  it('replays a scenario exactly, timestamps from the given start', async () => {
    broker = await startTestBroker();
    const startMs = Date.now();
    const scenario: Scenario = {
      vehicles: [
        {
          vehicleId: 'e2e-speeder',
          readings: [
            { offsetMs: 0, lat: 52.52, lon: 13.4, speedKph: 100 },
            { offsetMs: 1000, lat: 52.5208, lon: 13.4, speedKph: 131, accelLongMps2: 0.5 },
            { offsetMs: 2000, lat: 52.5217, lon: 13.4, speedKph: 132 },
          ],
        },
        { vehicleId: 'e2e-braker', readings: [{ offsetMs: 500, lat: 52.5, lon: 13.3, speedKph: 60, accelLongMps2: -6.5, dtc: ['P0300'] }] },
      ],
    };
    const summary = await startSimulation({ brokerUrl: broker.url, scenario, replay: 'asap', startMs }).done;

    expect(summary.reason).toBe('scenario-complete');
    expect(summary.acked).toBe(4);
    for (const vehicle of scenario.vehicles) {
      expect(broker.received.get(vehicle.vehicleId)).toEqual(scriptedReadings(vehicle, startMs));
    }
  });

  it('paces a scenario in real time at its offsets', async () => {
    broker = await startTestBroker();
    const scenario: Scenario = {
      vehicles: [{ vehicleId: 'paced', readings: [0, 300, 600].map((offsetMs) => ({ offsetMs, lat: 1, lon: 1, speedKph: 10 })) }],
    };
    const arrivals: number[] = [];
    const began = Date.now();
    await startSimulation({ brokerUrl: broker.url, scenario }, { onPublished: () => arrivals.push(Date.now() - began) }).done;
    expect(arrivals).toHaveLength(3);
    expect((arrivals[2] as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(550);
  });

  it('authenticates each vehicle with its own secret; a multiplexed run is refused by such a broker', async () => {
    // Like the bridge with device auth on: known devices only, each publishing only as itself.
    const secrets = new Map([
      ['veh-00001', 'secret-veh-00001'],
      ['veh-00002', 'secret-veh-00002'],
    ]);
    broker = await startTestBroker({
      authenticate: (client, username, password, done) =>
        done(null, username === client.id && secrets.get(username) === password?.toString()),
      authorizePublish: (client, packet, done) =>
        done(packet.topic === `vehicles/${client?.id}/telemetry` ? null : new Error('not your topic')),
    });
    const good = await startSimulation({
      brokerUrl: broker.url,
      vehicles: 2,
      ratePerSec: 10,
      passwordTemplate: 'secret-{vehicleId}',
      maxReadings: 10,
    }).done;
    expect(good.acked).toBe(10);
    expect(good.errorsByKind).toEqual({});

    const multiplexed = await startSimulation({
      brokerUrl: broker.url,
      vehicles: 2,
      connections: 1,
      passwordTemplate: 'secret-{vehicleId}',
      durationMs: 800,
    }).done;
    expect(multiplexed.sent).toBe(0);
    expect(multiplexed.errors).toBeGreaterThan(0);
    expect(Object.keys(multiplexed.errorsByKind).join()).toMatch(/not authori[sz]ed/i);
  });

  it('publishes at QoS 0 and reports written readings without PUBACK latency', async () => {
    broker = await startTestBroker();
    const summary = await startSimulation({ brokerUrl: broker.url, vehicles: 3, qos: 0, ratePerSec: 20, maxReadings: 30 }).done;
    expect(summary.sent).toBe(30);
    expect(summary.acked).toBe(30);
    expect(summary.latencyMs).toBeNull();
    await expect.poll(() => [...broker!.received.values()].flat().length).toBe(30);
  });

  it('stops on request, reporting live stats before', async () => {
    broker = await startTestBroker();
    const simulation = startSimulation({ brokerUrl: broker.url, vehicles: 3, ratePerSec: 5 });
    await expect.poll(() => simulation.stats().acked).toBeGreaterThan(3);
    expect(simulation.stats().connections).toEqual({ open: 3, total: 3 });
    const summary = await simulation.stop();
    expect(summary.reason).toBe('stopped');
    expect(await simulation.done).toBe(summary);
    expect(summary.unacknowledged).toBe(0);
  });
});
