import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue } from '../src/metric-value';
import { startTestPipeline } from '../src/test-pipeline';
import { createCleanup } from './support/cleanup';
import { groupLag, pipelineGroups } from './support/consumer-groups';
import { startDeviceFleet } from './support/device-fleet';
import { registerFleet } from './support/fleet-registry';
import { expectedEpisodeEvents, overspeedVehicles } from './support/overspeed-fleet';
import { type PrivateServer, startPrivateServers, withPrivate } from './support/private-server';
import { sampleRss } from './support/process-rss';
import { verifyDelivery } from './support/verify-delivery';

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
    const [influx] = (await startPrivateServers(['influxdb'], cleanup)) as [PrivateServer];
    const endpoints = withPrivate(getInfra(), influx);
    const namespace = uniqueName('faults-influx');
    const pipeline = await startTestPipeline(endpoints, namespace, {
      sinks: { INFLUX_MAX_PENDING_LINES: String(MAX_PENDING_LINES), INFLUX_BATCH_SIZE: '250', INFLUX_RETRY_MAX_MS: '2000', INFLUX_TIMEOUT_MS: '2000' },
    });
    cleanup.add('pipeline', () => pipeline.stop());
    const sinksPid = pipeline.services.find((service) => service.spec.name === 'sinks')?.child.pid;
    if (sinksPid === undefined) throw new Error('no sinks process');

    // 10 vehicles at 10 readings/s each: ~3,000 readings during the outage, 3x the sinks' bound.
    const vehicles = overspeedVehicles(`${namespace.slice(-8)}-`, 10, { from: 20, length: 30, stagger: 30 });
    const fleet = await registerFleet(pipeline, {
      namespace,
      vehicleIds: vehicles.map((vehicle) => vehicle.vehicleId),
      processorOpsPorts: [pipeline.ports.processorsOps],
    });
    const devices = await startDeviceFleet({
      brokerUrl: `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
      vehicles,
      startTs: Date.now() - 8 * 60_000,
      intervalMs: 100,
      readingsPerVehicle: 450,
    });
    cleanup.add('devices', () => devices.close());

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

    await waitFor(() => devices.rounds() >= 450 && devices.ackedCount() === devices.sentCount(), {
      timeoutMs: 90_000,
      message: 'publishes were not acknowledged',
    });
    expect(devices.ackedCount()).toBeGreaterThan(acceptedDuringOutage);
    await verifyDelivery({
      endpoints,
      namespace,
      topics: pipeline.topics,
      acked: devices.acked,
      expectedEvents: expectedEpisodeEvents(fleet.vehicleIds),
      ownerEmail: fleet.ownerEmail,
      emailedVehicles: fleet.vehicleIds,
      timeoutMs: 120_000,
    });
    expect(await metricValue(pipeline.ports.sinksOps, 'sink_dead_letters_total')).toBe(0);
  });
});
