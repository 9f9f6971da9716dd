import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { fetchLag } from '../src/adapters/lag-monitor';
import { reading } from './support/readings';
import { connectKafka, getInfra, influxQuery, startApp, type TestKafka, testConfig, uniqueName, waitFor } from './support/harness';
import { startThrottlingInflux } from './support/throttling-influx';

const infra = getInfra();
const influx = influxQuery(infra.influx);

describe('InfluxDB says 503/429 with Retry-After (contract fake in front of the real server)', () => {
  let kafka: TestKafka | undefined;
  let fake: Awaited<ReturnType<typeof startThrottlingInflux>> | undefined;
  afterAll(async () => {
    await fake?.close();
    await kafka?.close();
  });

  it('waits as long as told, then writes, and commits only afterwards', async () => {
    fake = await startThrottlingInflux(infra.influx.url, [
      { status: 503, retryAfterSeconds: 3 },
      { status: 429, retryAfterSeconds: 2 },
    ]);
    // Backoff alone would retry after ~10 ms: only Retry-After explains the gaps measured below.
    const config = testConfig(infra, { INFLUX_URL: fake.url, INFLUX_RETRY_INITIAL_MS: '10', INFLUX_RETRY_MAX_MS: '20' });
    kafka = await connectKafka(infra, [config.telemetry.topic]);
    const vehicleId = uniqueName('veh-retry');
    const now = Math.floor(Date.now() / 1000) * 1000 - 10_000;
    const readings = Array.from({ length: 5 }, (_, i) => reading({ vehicleId, ts: now + i * 1000, speedKph: 60 + i }));
    await kafka.sendReadings(config.telemetry.topic, readings);
    const app = await startApp(config);
    try {
      await waitFor(() => fake!.writes.length >= 1, { timeoutMs: 30_000 });
      await sleep(1_000);
      // Still waiting on Retry-After: nothing is committed yet.
      const lag = await fetchLag(kafka.admin, { groupId: config.telemetry.groupId, topic: config.telemetry.topic });
      expect([...lag.values()].reduce((a, b) => a + b, 0)).toBe(readings.length);
      await kafka.waitCommitted(config.telemetry.groupId, config.telemetry.topic);
      const telemetryWrites = fake.writes;
      expect(telemetryWrites.map((w) => w.status)).toEqual([503, 429, 204]);
      const [first, second, third] = telemetryWrites;
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(2_900);
      expect(third!.at - second!.at).toBeGreaterThanOrEqual(1_900);
      const rows = await influx.telemetryOf(vehicleId, now - 60_000, now + 60_000);
      expect(rows.map((row) => row.speed_kph)).toEqual([60, 61, 62, 63, 64]);
      const retries = await app.metrics.getSingleMetricAsString('sink_write_retries_total');
      expect(retries).toMatch(/measurement="telemetry",code="INFLUX_UNAVAILABLE"\} 2/);
    } finally {
      await app.stop();
    }
  });
});
