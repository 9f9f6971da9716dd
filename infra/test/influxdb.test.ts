import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { getInfra, influxQl, uniqueName } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';

const { influx, influx2 } = getInfra();

describe.each([
  { name: 'influxdb (1.8, bucket fleet/autogen)', endpoint: influx },
  { name: 'influxdb2 (2.x, org + bucket + token)', endpoint: influx2 },
])('$name: v2 write + Flux query API, InfluxQL', ({ endpoint }) => {
  const client = new InfluxDB({ url: endpoint.url, token: endpoint.token });

  it('writes points to the bucket and reads exact values and timestamps back with Flux and InfluxQL (database fleet)', async () => {
    const measurement = uniqueName('infra_smoke').replaceAll('-', '_');
    const base = Date.UTC(2026, 0, 15, 10, 0, 0);
    const points = [
      { vehicle: 'v-1', speed: 51.25, odometer: 1200, at: base, time: '2026-01-15T10:00:00Z' },
      { vehicle: 'v-1', speed: 63.5, odometer: 1201, at: base + 1_000, time: '2026-01-15T10:00:01Z' },
      { vehicle: 'v-2', speed: 0, odometer: 88, at: base + 2_500, time: '2026-01-15T10:00:02.5Z' },
    ];
    const writeApi = client.getWriteApi(endpoint.org, endpoint.bucket, 'ms');
    writeApi.writePoints(
      points.map((p) =>
        new Point(measurement).tag('vehicle', p.vehicle).floatField('speed', p.speed).intField('odometer', p.odometer).timestamp(new Date(p.at)),
      ),
    );
    await writeApi.close();

    const flux = `from(bucket: "${endpoint.bucket}")
      |> range(start: 2026-01-15T09:00:00Z, stop: 2026-01-15T11:00:00Z)
      |> filter(fn: (r) => r._measurement == "${measurement}")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group()
      |> sort(columns: ["_time"])`;
    const rows = await client.getQueryApi(endpoint.org).collectRows<Record<string, unknown>>(flux);
    expect(
      rows.map((row) => ({ time: row._time, vehicle: row.vehicle, speed: row.speed, odometer: row.odometer })),
    ).toEqual(
      points.map((p) => ({ time: p.time, vehicle: p.vehicle, speed: p.speed, odometer: p.odometer })),
    );

    // The v1 /query API: database fleet (on 2.x resolved to the bucket through the dbrp mapping).
    const viaInfluxQl = await influxQl(endpoint, `SELECT speed, odometer, vehicle FROM ${measurement}`);
    expect(viaInfluxQl).toEqual(points.map((p) => ({ time: p.at, speed: p.speed, odometer: p.odometer, vehicle: p.vehicle })));
  });
});
