import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { getInfra, uniqueName } from '@fleet/testkit';
import { describe, expect, it } from 'vitest';

describe('influxdb (v2 write + Flux query API)', () => {
  const { influx } = getInfra();
  const client = new InfluxDB({ url: influx.url, token: influx.token });

  it('writes points to fleet/autogen and reads exact values and timestamps back with Flux', async () => {
    const measurement = uniqueName('infra_smoke').replaceAll('-', '_');
    const base = Date.UTC(2026, 0, 15, 10, 0, 0);
    const points = [
      { vehicle: 'v-1', speed: 51.25, odometer: 1200, at: base, time: '2026-01-15T10:00:00Z' },
      { vehicle: 'v-1', speed: 63.5, odometer: 1201, at: base + 1_000, time: '2026-01-15T10:00:01Z' },
      { vehicle: 'v-2', speed: 0, odometer: 88, at: base + 2_500, time: '2026-01-15T10:00:02.5Z' },
    ];
    const writeApi = client.getWriteApi(influx.org, influx.bucket, 'ms');
    writeApi.writePoints(
      points.map((p) =>
        new Point(measurement).tag('vehicle', p.vehicle).floatField('speed', p.speed).intField('odometer', p.odometer).timestamp(new Date(p.at)),
      ),
    );
    await writeApi.close();

    const flux = `from(bucket: "${influx.bucket}")
      |> range(start: 2026-01-15T09:00:00Z, stop: 2026-01-15T11:00:00Z)
      |> filter(fn: (r) => r._measurement == "${measurement}")
      |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
      |> group()
      |> sort(columns: ["_time"])`;
    const rows = await client.getQueryApi(influx.org).collectRows<Record<string, unknown>>(flux);
    expect(
      rows.map((row) => ({ time: row._time, vehicle: row.vehicle, speed: row.speed, odometer: row.odometer })),
    ).toEqual(
      points.map((p) => ({ time: p.time, vehicle: p.vehicle, speed: p.speed, odometer: p.odometer })),
    );
  });
});
