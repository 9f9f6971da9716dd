import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { influxQl } from '@fleet/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event, reading } from './support/readings';
import {
  connectKafka,
  getInfra,
  influxQuery,
  influxTargets,
  type Row,
  startApp,
  type TestKafka,
  testConfig,
  uniqueName,
  waitFor,
} from './support/harness';

const infra = getInfra();

function readingsFor(vehicleId: string, baseTs: number, count: number): TelemetryReading[] {
  return Array.from({ length: count }, (_, i) =>
    reading({
      vehicleId,
      ts: baseTs + i * 1000 + (i % 7),
      receivedAt: baseTs + i * 1000 + 50,
      seq: i,
      lat: 48.1351 + i * 0.000123456789,
      lon: 11.582 - i * 0.0000987654321,
      speedKph: i % 5 === 0 ? 100 : 37.25 + i / 3,
      headingDeg: i % 2 === 0 ? 359.99 : null,
      rpm: i % 3 === 0 ? 2000 : null,
      coolantTempC: i % 4 === 0 ? -12.5 : null,
      ignition: i % 2 === 0,
      dtc: i === 3 ? ['P0300', 'P0171'] : [],
    }),
  );
}

/** What the telemetry row of a reading must be (absent optional fields are absent columns). */
function expectedRow(r: TelemetryReading): Row {
  const row: Row = { lat: r.lat, lon: r.lon, speed_kph: r.speedKph, seq: r.seq, ignition: r.ignition };
  if (r.headingDeg !== null) row.heading_deg = r.headingDeg;
  if (r.rpm !== null) row.rpm = r.rpm;
  if (r.coolantTempC !== null) row.coolant_temp_c = r.coolantTempC;
  if (r.dtc.length > 0) row.dtc = r.dtc.join(',');
  return row;
}

/** The fields of a Flux (pivoted) or InfluxQL row: no time, tag or bookkeeping columns, no absent fields. */
function fieldsOf(row: Row): Row {
  const fields: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('_') || ['result', 'table', 'time', 'vehicle_id'].includes(key) || value === null || value === '') continue;
    fields[key] = value;
  }
  return fields;
}

// The same sink code against both servers, each configured the way an operator would (INFLUX_URL,
// INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN): 1.8 with bucket `fleet/autogen`, 2.x with org, bucket `fleet`
// and a token.
describe.each(influxTargets(infra))('sinks → $name (real Kafka, registry, InfluxDB)', ({ influx: endpoint, env }) => {
  const influx = influxQuery(endpoint);
  let kafka: TestKafka;
  const config = testConfig(infra, env);
  const vehicleId = uniqueName('veh-rt');
  const baseTs = Math.floor(Date.now() / 1000) * 1000 - 120_000;
  const readings = readingsFor(vehicleId, baseTs, 60);
  const window = [baseTs - 60_000, baseTs + 180_000] as const;

  beforeAll(async () => {
    kafka = await connectKafka(infra, [config.telemetry.topic, config.events.topic]);
  });
  afterAll(async () => {
    await kafka?.close();
  });

  it('makes every reading queryable with Flux and InfluxQL, values and millisecond timestamps exact; replays change nothing', async () => {
    await kafka.sendReadings(config.telemetry.topic, readings);
    const app = await startApp(config);
    try {
      const first = await waitFor(
        async () => {
          const rows = await influx.telemetryOf(vehicleId, ...window);
          return rows.length === readings.length ? rows : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, message: 'all readings queryable' },
      );
      expect(first.map((row) => Date.parse(String(row._time)))).toEqual(readings.map((r) => r.ts));
      expect(first.map(fieldsOf)).toEqual(readings.map(expectedRow));
      // InfluxQL (dashboards): the same points, through the database `fleet` (on 2.x mapped to the bucket).
      const selectAll = () =>
        influxQl(endpoint, `SELECT * FROM telemetry WHERE vehicle_id = '${vehicleId}' AND time >= ${window[0]}ms AND time < ${window[1]}ms`);
      const viaInfluxQl = await selectAll();
      expect(viaInfluxQl.map((row) => row.time)).toEqual(readings.map((r) => r.ts));
      expect(viaInfluxQl.map(fieldsOf)).toEqual(readings.map(expectedRow));
      // Floats stay floats, also for whole numbers (speed 100, seq, rpm 2000): the annotated CSV of
      // a Flux query over exactly these points names the stored type. (SHOW FIELD KEYS would mix in
      // other shards, e.g. the conflict test's.)
      const csv = await influx.fluxLines(`from(bucket: "${influx.bucket}")
  |> range(start: ${new Date(window[0]).toISOString()}, stop: ${new Date(window[1]).toISOString()})
  |> filter(fn: (r) => r._measurement == "telemetry" and r.vehicle_id == "${vehicleId}")
  |> filter(fn: (r) => r._field == "speed_kph" or r._field == "seq" or r._field == "rpm")`);
      const valueTypes = csv.flatMap((line, i) => {
        if (!line.startsWith('#datatype')) return [];
        const header = csv.slice(i).find((next) => !next.startsWith('#'))?.split(',') ?? [];
        return [line.split(',')[header.indexOf('_value')]];
      });
      expect(valueTypes.length).toBeGreaterThan(0);
      expect(new Set(valueTypes)).toEqual(new Set(['double']));

      // The same batch delivered twice more (a producer retry, a replay): nothing changes.
      await kafka.sendReadings(config.telemetry.topic, readings);
      await kafka.sendReadings(config.telemetry.topic, readings);
      await kafka.waitCommitted(config.telemetry.groupId, config.telemetry.topic);
      const second = await influx.telemetryOf(vehicleId, ...window);
      expect(second).toEqual(first);

      // A new consumer group re-reads all three deliveries from the beginning.
      const replayGroup = uniqueName('sinks-replay');
      const replay = await startApp({
        ...config,
        telemetry: { ...config.telemetry, groupId: replayGroup },
        events: { ...config.events, groupId: uniqueName('sinks-replay-events') },
      });
      try {
        await kafka.waitCommitted(replayGroup, config.telemetry.topic);
      } finally {
        await replay.stop();
      }
      expect(await influx.telemetryOf(vehicleId, ...window)).toEqual(first);
      expect(await selectAll()).toEqual(viaInfluxQl);
      expect(app.telemetry.stats().deadLetters).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('writes events with tags vehicle_id and type; two geofence events of one reading both survive', async () => {
    const ts = baseTs + 5_000;
    const events: VehicleEvent[] = [
      event({ vehicleId, eventId: 'e-overspeed', type: 'OVERSPEED', ts, speedKph: 131.5, limitKph: 120 }),
      event({ vehicleId, eventId: 'e-brake', type: 'HARSH_BRAKING', ts: ts + 10_000, limitKph: null, accelMps2: -4.75 }),
      event({ vehicleId, eventId: 'e-exit-a', type: 'GEOFENCE_EXIT', ts: ts + 20_000, limitKph: null, geofenceId: 'zone-a', geofenceName: 'Depot "A"' }),
      event({ vehicleId, eventId: 'e-exit-b', type: 'GEOFENCE_EXIT', ts: ts + 20_000, limitKph: null, geofenceId: 'zone-b', geofenceName: 'City' }),
    ];
    await kafka.sendEvents(config.events.topic, events);
    await kafka.sendEvents(config.events.topic, events);
    const app = await startApp(config);
    try {
      await kafka.waitCommitted(config.events.groupId, config.events.topic);
      const rows = await influx.flux(`from(bucket: "${influx.bucket}")
  |> range(start: ${new Date(window[0]).toISOString()}, stop: ${new Date(window[1]).toISOString()})
  |> filter(fn: (r) => r._measurement == "events" and r.vehicle_id == "${vehicleId}")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group()
  |> sort(columns: ["event_id"])`);
      expect(rows.map((row) => [row.event_id, row.type, Math.floor(Date.parse(String(row._time)))])).toEqual([
        ['e-brake', 'HARSH_BRAKING', ts + 10_000],
        ['e-exit-a', 'GEOFENCE_EXIT', ts + 20_000],
        ['e-exit-b', 'GEOFENCE_EXIT', ts + 20_000],
        ['e-overspeed', 'OVERSPEED', ts],
      ]);
      expect(rows[0]).toMatchObject({ accel_mps2: -4.75, speed_kph: 131.5 });
      expect(rows[1]).toMatchObject({ geofence_id: 'zone-a', geofence_name: 'Depot "A"' });
      expect(rows[3]).toMatchObject({ limit_kph: 120, speed_kph: 131.5, lat: 52.52, lon: 13.405 });
    } finally {
      await app.stop();
    }
  });
});
