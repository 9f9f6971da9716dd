import type { TelemetryReading } from '@fleet/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLag } from '../src/adapters/lag-monitor';
import { reading } from './support/readings';
import { connectKafka, getInfra, influxQuery, startApp, type TestKafka, testConfig, uniqueName, waitFor } from './support/harness';
import { startTcpProxy } from './support/tcp-proxy';

const infra = getInfra();
const influx = influxQuery(infra.influx);
const OUTAGE_MS = 30_000;
const MAX_PENDING = 1_000;

describe('InfluxDB unavailable for 30 s while readings flow', () => {
  let kafka: TestKafka;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    const target = new URL(infra.influx.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  });
  afterAll(async () => {
    await proxy?.close();
    await kafka?.close();
  });

  it('blocks the partitions, keeps memory bounded, and loses nothing once InfluxDB is back', { timeout: 150_000 }, async () => {
    const config = testConfig(infra, {
      INFLUX_URL: proxy.url,
      INFLUX_BATCH_SIZE: '250',
      INFLUX_MAX_PENDING_LINES: String(MAX_PENDING),
      MAX_BYTES_PER_PARTITION: String(64 * 1024),
      INFLUX_RETRY_MAX_MS: '2000',
      INFLUX_TIMEOUT_MS: '2000',
    });
    kafka = await connectKafka(infra, [config.telemetry.topic]);
    const app = await startApp(config);
    const vehicles = Array.from({ length: 6 }, () => uniqueName('veh-outage'));
    const startTs = Date.now() - 10 * 60_000;
    let sent = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const batch: TelemetryReading[] = vehicles.map((vehicleId) => reading({ vehicleId, ts: startTs + sent, speedKph: sent % 200, seq: sent }));
        await kafka.sendReadings(config.telemetry.topic, batch);
        sent += 1;
        await sleep(5);
      }
    })();

    try {
      await waitFor(() => app.telemetry.stats().pointsWritten > 100, { timeoutMs: 30_000, message: 'writes before the outage' });
      await proxy.cut();
      const cutAt = Date.now();
      let lagDuringOutage = 0;
      while (Date.now() - cutAt < OUTAGE_MS) {
        await sleep(1_000);
        expect(app.telemetry.stats().pending).toBeLessThanOrEqual(MAX_PENDING);
        const lag = await fetchLag(kafka.admin, { groupId: config.telemetry.groupId, topic: config.telemetry.topic });
        lagDuringOutage = [...lag.values()].reduce((a, b) => a + b, 0);
      }
      expect(app.telemetry.isInfluxAvailable()).toBe(false);
      // Readings kept arriving; they wait in Kafka, not in the sink's memory.
      expect(lagDuringOutage).toBeGreaterThan(MAX_PENDING * 2);
      await proxy.restore();
      await sleep(3_000);
      producing = false;
      await producer;

      await kafka.waitCommitted(config.telemetry.groupId, config.telemetry.topic, 60_000);
      const counts = await influx.influxql(
        `SELECT count(seq) FROM telemetry WHERE vehicle_id =~ /^(${vehicles.join('|')})$/ AND time >= ${startTs}ms AND time < ${startTs + sent + 1}ms GROUP BY vehicle_id`,
      );
      const series = (counts as { results: { series?: { tags: { vehicle_id: string }; values: number[][] }[] }[] }).results[0]?.series ?? [];
      expect(series.map((s) => [s.tags.vehicle_id, s.values[0]?.[1]]).sort()).toEqual(vehicles.map((v) => [v, sent]).sort());
      const stats = app.telemetry.stats();
      expect(stats.maxPendingSeen).toBeLessThanOrEqual(MAX_PENDING);
      expect(stats.deadLetters).toBe(0);
      const retries = await app.metrics.getSingleMetricAsString('sink_write_retries_total');
      expect(retries).toMatch(/sink_write_retries_total\{measurement="telemetry",code="INFLUX_UNAVAILABLE"\} [1-9]/);
      expect(app.telemetry.isInfluxAvailable()).toBe(true);
    } finally {
      producing = false;
      await producer.catch(() => undefined);
      await app.stop();
    }
  });
});
