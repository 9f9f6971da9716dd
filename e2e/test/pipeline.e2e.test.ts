import { eventAvroSchema, type VehicleEvent } from '@fleet/contracts';
import { startSimulation } from '@fleet/device-simulator';
import { createAvroSerde, createKafka, silentLogger } from '@fleet/runtime';
import { getInfra, influxQl, mailDetail, mailsTo, uniqueName, waitFor } from '@fleet/testkit';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../src/metric-value';
import { registryClient, startTestPipeline } from '../src/test-pipeline';

/**
 * The whole pipeline as users run it: the simulator publishes a scripted fleet over MQTT to the
 * bridge; processors, sinks and alerts run as their own processes on the real servers. The test
 * checks the exact events in Kafka, the points in InfluxDB and the emails in the catcher.
 */
const namespace = uniqueName('e2e');
const prefix = `${namespace.slice(-8)}-`;
const ids = { speeder: `${prefix}speeder`, braker: `${prefix}braker`, leaver: `${prefix}leaver` };
const ownerEmail = `${namespace}@fleet.example`;
const depot = { lat: 52.6, lon: 13.3, radiusM: 300 };
const calm = { accelLongMps2: 0.3 };

function trace(speeds: number[], extra: (i: number) => Record<string, number> = () => ({})) {
  return speeds.map((speedKph, i) => ({ offsetMs: i * 1000, lat: 52.5, lon: 13.4, speedKph, ...calm, ...extra(i) }));
}

const scenario = {
  vehicles: [
    { vehicleId: ids.speeder, readings: trace([60, 100, 100, 100, 100, 100, 100, 100, 60, 60]) },
    { vehicleId: ids.braker, readings: trace([50, 50, 45, 35, 30, 30], (i) => ({ accelLongMps2: [0.2, 0.2, -5, -5.5, 0.1, 0.1][i] ?? 0 })) },
    {
      vehicleId: ids.leaver,
      readings: trace([20, 20, 20, 20, 20, 20], (i) => (i < 3 ? { lat: depot.lat, lon: depot.lon } : { lat: 52.61, lon: 13.3 })),
    },
  ],
};
const totalReadings = scenario.vehicles.reduce((sum, vehicle) => sum + vehicle.readings.length, 0);

let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
let observer: Consumer;
const events: VehicleEvent[] = [];

beforeAll(async () => {
  const infra = getInfra();
  pipeline = await startTestPipeline(infra, namespace);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'e2e-observer', log: silentLogger() });
  const decode = createAvroSerde({ registryUrl: infra.registryUrl }).decoderFor<VehicleEvent>(eventAvroSchema);
  observer = kafka.consumer({ groupId: `${namespace}-observer` });
  await observer.connect();
  await observer.subscribe({ topic: pipeline.topics.events, fromBeginning: true });
  await observer.run({
    eachMessage: async ({ message }) => {
      if (message.value) events.push(await decode(message.value));
    },
  });
});

afterAll(async () => {
  await observer?.disconnect();
  await pipeline?.stop();
});

describe('the whole pipeline on real servers', () => {
  it('detects overspeed, harsh braking and a depot exit, stores everything and emails the owner once each', async () => {
    const post = registryClient(pipeline.apiUrl, pipeline.adminToken);
    await post('owners', { id: `${prefix}owner`, name: 'E2E Owner', email: ownerEmail, timezone: 'Europe/Berlin' });
    for (const [role, vehicleId] of Object.entries(ids)) {
      await post('vehicles', { id: vehicleId, ownerId: `${prefix}owner`, name: `E2E ${role}`, speedLimitKph: 80 });
    }
    await post('geofences', {
      id: `${prefix}depot`,
      name: 'E2E Depot',
      shape: { type: 'Circle', center: [depot.lon, depot.lat], radiusM: depot.radiusM },
      vehicleIds: Object.values(ids),
    });
    await waitFor(
      async () =>
        (await metricValue(pipeline.ports.processorsOps, 'processor_registry_records', 'table="vehicles"')) >= 3 &&
        (await metricValue(pipeline.ports.processorsOps, 'processor_registry_records', 'table="geofences"')) >= 1,
      { timeoutMs: 30_000, message: 'the processors did not see the registry records' },
    );

    const simulation = startSimulation({
      brokerUrl: `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
      scenario,
      replay: 'asap',
      startMs: Date.now() - 60_000,
      qos: 1,
    });
    const summary = await simulation.done;
    expect(summary.acked).toBe(totalReadings);

    await waitFor(() => events.length >= 4, { timeoutMs: 60_000, message: 'events did not arrive' });
    const vehicleIds = new Set(Object.values(ids));
    await waitFor(async () => (await mailsTo(getInfra().mailApiUrl, ownerEmail)).length >= 3, {
      timeoutMs: 60_000,
      message: 'emails did not arrive',
    });
    // Time for anything unexpected (a duplicate event or email) to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    expect(events.filter((event) => vehicleIds.has(event.vehicleId)).map((event) => `${event.vehicleId}:${event.type}`).sort()).toEqual(
      [
        `${ids.braker}:HARSH_BRAKING`,
        `${ids.leaver}:GEOFENCE_EXIT`,
        `${ids.speeder}:OVERSPEED`,
        `${ids.speeder}:OVERSPEED_END`,
      ].sort(),
    );
    expect(events.find((event) => event.type === 'HARSH_BRAKING')?.accelMps2).toBeCloseTo(-5.5);
    expect(events.find((event) => event.type === 'OVERSPEED_END')).toMatchObject({ peakSpeedKph: 100, limitKph: 80 });

    const influx = getInfra().influx;
    const idPattern = `/^${prefix}/`;
    await waitFor(
      async () => {
        const [row] = await influxQl(influx, `SELECT count(speed_kph) FROM telemetry WHERE vehicle_id =~ ${idPattern}`);
        return row?.count === totalReadings;
      },
      { timeoutMs: 30_000, message: 'telemetry points missing in InfluxDB' },
    );
    const eventRows = await waitFor(
      async () => {
        const rows = await influxQl(influx, `SELECT event_id, speed_kph FROM events WHERE vehicle_id =~ ${idPattern} GROUP BY "type"`);
        return rows.length === 4 ? rows : undefined;
      },
      { timeoutMs: 30_000, message: 'events missing in InfluxDB' },
    );
    expect(eventRows.map((row) => row.type).sort()).toEqual(['GEOFENCE_EXIT', 'HARSH_BRAKING', 'OVERSPEED', 'OVERSPEED_END']);

    const mails = await mailsTo(getInfra().mailApiUrl, ownerEmail);
    expect(mails).toHaveLength(3);
    const texts = await Promise.all(mails.map(async (mail) => (await mailDetail(getInfra().mailApiUrl, mail.ID)).Text));
    expect(texts.some((text) => text.includes('E2E speeder') && text.includes('80'))).toBe(true);
    expect(texts.some((text) => text.includes('E2E braker'))).toBe(true);
    expect(texts.some((text) => text.includes('E2E leaver') && text.includes('E2E Depot'))).toBe(true);
  });
});
