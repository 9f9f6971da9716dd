import { waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { killService, restartService } from '../src/service-control';
import { createCleanup } from './support/cleanup';
import { waitUntilAllAcked } from './support/device-fleet';
import { startExternalBroker } from './support/external-broker';
import { startFaultPipeline } from './support/fault-pipeline';
import { decodeTelemetry, missingFromKafka } from './support/outcomes';
import { startOverspeedFleet } from './support/overspeed-fleet';
import { readTopic } from './support/topic-reader';
import { verifyFleetDelivery } from './support/verify-delivery';

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
    const run = await startFaultPipeline(cleanup, {
      namespacePrefix: 'faults-bridge',
      extraEnv: (namespace) => ({
        bridge: { MQTT_URL: broker.url, MQTT_CLIENT_ID: `${namespace}-bridge`, MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: '' },
      }),
    });
    const { endpoints, pipeline } = run;
    const fleet = await startOverspeedFleet(run, cleanup, {
      count: 6,
      episode: { from: 10, length: 20, stagger: 6 },
      readingsPerVehicle: 100,
      brokerUrl: broker.url,
    });
    const { devices } = fleet;

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

    await waitUntilAllAcked(devices, 100, { timeoutMs: 60_000, message: 'the broker did not acknowledge every publish' });
    expect(queuedRounds).toBeGreaterThanOrEqual(30);

    await verifyFleetDelivery(run, fleet);
  });
});
