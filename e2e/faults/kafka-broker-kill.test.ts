import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPipeline } from '../src/test-pipeline';
import { createCleanup } from './support/cleanup';
import { startDeviceFleet } from './support/device-fleet';
import { registerFleet } from './support/fleet-registry';
import { warmUpKafka } from './support/kafka-warm-up';
import { expectedEpisodeEvents, overspeedVehicles } from './support/overspeed-fleet';
import { type PrivateServer, startPrivateServers, withPrivate } from './support/private-server';
import { verifyDelivery } from './support/verify-delivery';

/**
 * The whole pipeline on a Kafka broker of its own (the shared registry and SMTP catcher do not
 * depend on Kafka; InfluxDB is private as in every test here); the broker is SIGKILLed while devices publish at QoS 1 and restarted.
 */
const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('Kafka broker SIGKILLed during steady publishing, then restarted', () => {
  it('every PUBACKed reading reaches Kafka and InfluxDB; each event once, one email per incident', async () => {
    const [kafka, influx] = (await startPrivateServers(['kafka', 'influxdb'], cleanup)) as [PrivateServer, PrivateServer];
    await warmUpKafka(kafka.endpoints.kafkaBrokers);
    const endpoints = withPrivate(getInfra(), kafka, influx);
    const namespace = uniqueName('faults-kafka');
    const pipeline = await startTestPipeline(endpoints, namespace);
    cleanup.add('pipeline', () => pipeline.stop());

    const vehicles = overspeedVehicles(`${namespace.slice(-8)}-`, 6, { from: 10, length: 20, stagger: 6 });
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
      readingsPerVehicle: 120,
    });
    cleanup.add('devices', () => devices.close());

    await waitFor(() => devices.rounds() >= 30, { timeoutMs: 30_000, message: 'devices did not start publishing' });
    await kafka.kill();
    const ackedAtKill = devices.ackedCount();
    // Devices keep publishing into the outage for about three seconds.
    await waitFor(() => devices.rounds() >= 60, { timeoutMs: 30_000 });
    const ackedDuringOutage = devices.ackedCount() - ackedAtKill;
    await kafka.start();

    await waitFor(() => devices.rounds() >= 120 && devices.ackedCount() === devices.sentCount(), {
      timeoutMs: 120_000,
      intervalMs: 250,
      message: 'publishes were not acknowledged after the broker came back',
    });
    // A PUBACK means "in Kafka": while the broker was dead almost nothing could be acknowledged.
    expect(ackedDuringOutage).toBeLessThan(vehicles.length * 3);

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
