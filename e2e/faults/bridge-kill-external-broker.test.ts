import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { killService, restartService } from '../src/service-control';
import { startTestPipeline } from '../src/test-pipeline';
import { createCleanup } from './support/cleanup';
import { startDeviceFleet } from './support/device-fleet';
import { startExternalBroker } from './support/external-broker';
import { registerFleet } from './support/fleet-registry';
import { decodeTelemetry, missingFromKafka } from './support/outcomes';
import { expectedEpisodeEvents, overspeedVehicles } from './support/overspeed-fleet';
import { readTopic } from './support/topic-reader';
import { type PrivateServer, startPrivateServers, withPrivate } from './support/private-server';
import { verifyDelivery } from './support/verify-delivery';

/**
 * Devices publish to an external MQTT broker; the bridge subscribes with a persistent session
 * (clean: false, stable client id). The bridge is SIGKILLed mid-stream (records it had taken but
 * not yet PUBACKed to the broker are redelivered) and restarted after readings queued at the broker.
 */
const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('bridge SIGKILLed and restarted with an external broker and a persistent session', () => {
  it('readings queued at the broker while the bridge was down are delivered; nothing lost, nothing duplicated', async () => {
    const broker = await startExternalBroker();
    cleanup.add('external broker', () => broker.close());
    const [influx] = (await startPrivateServers(['influxdb'], cleanup)) as [PrivateServer];
    const endpoints = withPrivate(getInfra(), influx);
    const namespace = uniqueName('faults-bridge');
    const pipeline = await startTestPipeline(endpoints, namespace, {
      bridge: { MQTT_URL: broker.url, MQTT_CLIENT_ID: `${namespace}-bridge`, MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: '' },
    });
    cleanup.add('pipeline', () => pipeline.stop());

    const vehicles = overspeedVehicles(`${namespace.slice(-8)}-`, 6, { from: 10, length: 20, stagger: 6 });
    const fleet = await registerFleet(pipeline, {
      namespace,
      vehicleIds: vehicles.map((vehicle) => vehicle.vehicleId),
      processorOpsPorts: [pipeline.ports.processorsOps],
    });
    const devices = await startDeviceFleet({
      brokerUrl: broker.url,
      vehicles,
      startTs: Date.now() - 5 * 60_000,
      intervalMs: 100,
      readingsPerVehicle: 100,
    });
    cleanup.add('devices', () => devices.close());

    await waitFor(() => devices.rounds() >= 25, { timeoutMs: 30_000, message: 'devices did not start publishing' });
    await killService(pipeline, 'bridge');
    const roundAtKill = devices.rounds();
    // While the bridge is down the devices keep publishing; the broker queues for the bridge's session.
    await waitFor(() => devices.rounds() >= roundAtKill + 30, { timeoutMs: 30_000 });
    const queuedRounds = devices.rounds() - roundAtKill;
    // aedes sends live messages to a resumed session before its offline queue (moscajs/aedes#649,
    // not what MQTT 3.1.1 §4.6 asks for), which would reorder readings per vehicle and make the
    // processors ignore the older ones for detection. Brokers that keep the order (Mosquitto, EMQX)
    // need no pause: the devices hold off until the queue is drained.
    devices.pause();
    await restartService(pipeline, 'bridge');
    const telemetry = await readTopic(endpoints.kafkaBrokers, pipeline.topics.telemetry);
    cleanup.add('telemetry reader', () => telemetry.close());
    await waitFor(async () => missingFromKafka(devices.acked, await decodeTelemetry(endpoints.registryUrl, telemetry.records)).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      message: 'the readings queued at the broker were not delivered',
    });
    devices.resume();

    await waitFor(() => devices.rounds() >= 100 && devices.ackedCount() === devices.sentCount(), {
      timeoutMs: 60_000,
      message: 'the broker did not acknowledge every publish',
    });
    expect(queuedRounds).toBeGreaterThanOrEqual(30);

    await verifyDelivery({
      endpoints,
      namespace,
      topics: pipeline.topics,
      acked: devices.acked,
      expectedEvents: expectedEpisodeEvents(fleet.vehicleIds),
      ownerEmail: fleet.ownerEmail,
      emailedVehicles: fleet.vehicleIds,
    });
  });
});
