import { waitUntilReady } from '@fleet/infra/pipeline';
import { waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { restartService } from '../src/service-control';
import { createCleanup } from './support/cleanup';
import { caughtUp, groupLag, pipelineGroups, topicSize } from './support/consumer-groups';
import { waitUntilAllAcked } from './support/device-fleet';
import { startFaultPipeline } from './support/fault-pipeline';
import { startOverspeedFleet } from './support/overspeed-fleet';
import { verifyFleetDelivery } from './support/verify-delivery';

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
    const run = await startFaultPipeline(cleanup, { namespacePrefix: 'faults-registry', privateServers: ['schema-registry'] });
    const { endpoints, namespace, pipeline } = run;
    const registry = run.servers['schema-registry'];
    const groups = pipelineGroups(namespace);
    const fleet = await startOverspeedFleet(run, cleanup, {
      count: 4,
      episode: { from: 25, length: 20, stagger: 5 },
      readingsPerVehicle: 80,
    });
    const { devices } = fleet;
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

    await waitUntilAllAcked(devices, 80, { timeoutMs: 60_000 });
    await verifyFleetDelivery(run, fleet);
    const deadLetterTopics = [`${namespace}.stream-processors.dlq`, `${namespace}.vehicle.telemetry.sink-dlq`, `${namespace}.vehicle.events.sink-dlq`];
    for (const topic of deadLetterTopics) expect(await topicSize(endpoints.kafkaBrokers, topic), topic).toBe(0);
  });
});
