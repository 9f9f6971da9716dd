import { waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue } from '../src/metric-value';
import { createCleanup } from './support/cleanup';
import { groupLag, pipelineGroups } from './support/consumer-groups';
import { waitUntilAllAcked } from './support/device-fleet';
import { startFaultPipeline } from './support/fault-pipeline';
import { startOverspeedFleet } from './support/overspeed-fleet';
import { sampleRss } from './support/process-rss';
import { verifyFleetDelivery } from './support/verify-delivery';

/**
 * The whole pipeline writing to an InfluxDB of its own, which is SIGKILLed for 30 s while readings
 * keep flowing, then restarted on the same data. The sinks must hold the partitions (readings wait
 * in Kafka, not in memory) and catch up afterwards.
 */
const OUTAGE_MS = 30_000;
const MAX_PENDING_LINES = 1_000;
/** RSS the sinks may gain during the outage: far below what buffering the backlog would cost. */
const RSS_GROWTH_LIMIT_MIB = 80;

const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('InfluxDB down for 30 s while readings flow', () => {
  it('nothing is missing afterwards and the sinks memory stays bounded during the outage', async () => {
    const run = await startFaultPipeline(cleanup, {
      namespacePrefix: 'faults-influx',
      extraEnv: {
        sinks: { INFLUX_MAX_PENDING_LINES: String(MAX_PENDING_LINES), INFLUX_BATCH_SIZE: '250', INFLUX_RETRY_MAX_MS: '2000', INFLUX_TIMEOUT_MS: '2000' },
      },
    });
    const { endpoints, namespace, pipeline } = run;
    const influx = run.servers.influxdb;
    const sinksPid = pipeline.services.find((service) => service.spec.name === 'sinks')?.child.pid;
    if (sinksPid === undefined) throw new Error('no sinks process');

    // 10 vehicles at 10 readings/s each: ~3,000 readings during the outage, 3x the sinks' bound.
    const fleet = await startOverspeedFleet(run, cleanup, {
      count: 10,
      episode: { from: 20, length: 30, stagger: 30 },
      readingsPerVehicle: 450,
      startAgoMs: 8 * 60_000,
    });
    const { devices } = fleet;

    await waitFor(async () => (await metricValue(pipeline.ports.sinksOps, 'sink_points_written_total')) > 100, {
      timeoutMs: 30_000,
      message: 'no points written before the outage',
    });
    await influx.kill();
    const rss = sampleRss(sinksPid);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const samples = rss.stop();
    const acceptedDuringOutage = devices.ackedCount();
    const lag = await groupLag(endpoints.kafkaBrokers, pipelineGroups(namespace).sinksTelemetry, pipeline.topics.telemetry);
    await influx.start();

    console.info(
      `influx outage: sinks RSS ${samples[0]!.toFixed(0)} → peak ${Math.max(...samples).toFixed(0)} MiB, backlog in Kafka ${lag}`,
    );
    // Readings kept arriving and were PUBACKed (the sinks do not hold the bridge back) ...
    expect(devices.rounds()).toBeGreaterThan(250);
    // ... yet the sinks' memory stayed flat: the backlog waited in Kafka.
    expect(Math.max(...samples) - samples[0]!).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    expect(lag).toBeGreaterThan(MAX_PENDING_LINES);

    await waitUntilAllAcked(devices, 450, { timeoutMs: 90_000 });
    expect(devices.ackedCount()).toBeGreaterThan(acceptedDuringOutage);
    await verifyFleetDelivery(run, fleet, { timeoutMs: 120_000 });
    expect(await metricValue(pipeline.ports.sinksOps, 'sink_dead_letters_total')).toBe(0);
  });
});
