import { waitUntilReady } from '@fleet/infra/pipeline';
import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { restartService } from '../src/service-control';
import { startTestPipeline } from '../src/test-pipeline';
import { createCleanup } from './support/cleanup';
import { caughtUp, groupLag, pipelineGroups, topicSize } from './support/consumer-groups';
import { startDeviceFleet } from './support/device-fleet';
import { registerFleet } from './support/fleet-registry';
import { expectedEpisodeEvents, overspeedVehicles } from './support/overspeed-fleet';
import { type PrivateServer, startPrivateServers, withPrivate } from './support/private-server';
import { verifyDelivery } from './support/verify-delivery';

/**
 * The whole pipeline on a schema registry of its own. The registry is killed and the consumers
 * (processors, sinks, alerts) are restarted while it is down, so they start with empty schema
 * caches and cannot decode a record: they must wait and retry (transient), never dead-letter.
 */
const REGISTRY_DOWN_MS = 8_000;
const CONSUMERS = ['stream-processors', 'sinks', 'alerts'];

const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('schema registry down while the consumers start', () => {
  it('the consumers retry until it is back: no dead letters, nothing lost, each incident once', async () => {
    const [registry, influx] = (await startPrivateServers(['schema-registry', 'influxdb'], cleanup)) as [PrivateServer, PrivateServer];
    const endpoints = withPrivate(getInfra(), registry, influx);
    const namespace = uniqueName('faults-registry');
    const groups = pipelineGroups(namespace);
    const pipeline = await startTestPipeline(endpoints, namespace);
    cleanup.add('pipeline', () => pipeline.stop());

    const vehicles = overspeedVehicles(`${namespace.slice(-8)}-`, 4, { from: 25, length: 20, stagger: 5 });
    const fleet = await registerFleet(pipeline, {
      namespace,
      vehicleIds: vehicles.map((vehicle) => vehicle.vehicleId),
      processorOpsPorts: [pipeline.ports.processorsOps],
    });
    const devices = await startDeviceFleet({
      brokerUrl: `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
      vehicles,
      startTs: Date.now() - 5 * 60_000,
      intervalMs: 100,
      readingsPerVehicle: 80,
    });
    cleanup.add('devices', () => devices.close());
    await waitFor(() => devices.rounds() >= 20, { timeoutMs: 30_000 });
    devices.pause();
    await waitFor(() => devices.ackedCount() === devices.sentCount(), { timeoutMs: 30_000 });
    await waitFor(async () => caughtUp(endpoints.kafkaBrokers, groups.processors, pipeline.topics.telemetry), {
      timeoutMs: 60_000,
      message: 'the processors did not process the first readings',
    });

    await registry.kill();
    const restarted = [];
    for (const name of CONSUMERS) restarted.push(await restartService(pipeline, name, { waitReady: false }));
    devices.resume();
    // The outage itself: the consumers start, join their groups and meet records they cannot decode.
    await new Promise((resolve) => setTimeout(resolve, REGISTRY_DOWN_MS));
    for (const service of restarted) expect(service.child.exitCode, `${service.spec.name} exited while the registry was down`).toBeNull();
    // Blocked, not skipping: the new readings wait in Kafka for the processors.
    expect(await groupLag(endpoints.kafkaBrokers, groups.processors, pipeline.topics.telemetry)).toBeGreaterThan(0);
    await registry.start();
    await Promise.all(restarted.map((service) => waitUntilReady(service)));

    await waitFor(() => devices.rounds() >= 80 && devices.ackedCount() === devices.sentCount(), {
      timeoutMs: 60_000,
      message: 'publishes were not acknowledged',
    });
    await verifyDelivery({
      endpoints,
      namespace,
      topics: pipeline.topics,
      acked: devices.acked,
      expectedEvents: expectedEpisodeEvents(fleet.vehicleIds),
      ownerEmail: fleet.ownerEmail,
      emailedVehicles: fleet.vehicleIds,
    });
    const deadLetterTopics = [`${namespace}.stream-processors.dlq`, `${namespace}.vehicle.telemetry.sink-dlq`, `${namespace}.vehicle.events.sink-dlq`];
    for (const topic of deadLetterTopics) expect(await topicSize(endpoints.kafkaBrokers, topic), topic).toBe(0);
  });
});
