import { waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createCleanup } from './support/cleanup';
import { waitUntilAllAcked } from './support/device-fleet';
import { startFaultPipeline } from './support/fault-pipeline';
import { startOverspeedFleet } from './support/overspeed-fleet';
import { verifyFleetDelivery } from './support/verify-delivery';

/**
 * The whole pipeline on a Kafka broker of its own (the shared registry and SMTP catcher do not
 * depend on Kafka; InfluxDB is private as in every test here); the broker is SIGKILLed while devices publish at QoS 1 and restarted.
 */
const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('Kafka broker SIGKILLed during steady publishing, then restarted', () => {
  it('every PUBACKed reading reaches Kafka and InfluxDB; each event once, one email per incident', async () => {
    const run = await startFaultPipeline(cleanup, { namespacePrefix: 'faults-kafka', privateServers: ['kafka'] });
    const kafka = run.servers.kafka;
    const fleet = await startOverspeedFleet(run, cleanup, {
      count: 6,
      episode: { from: 10, length: 20, stagger: 6 },
      readingsPerVehicle: 120,
    });
    const { devices } = fleet;

    await waitFor(() => devices.rounds() >= 30, { timeoutMs: 30_000, message: 'devices did not start publishing' });
    await kafka.kill();
    const ackedAtKill = devices.ackedCount();
    // Devices keep publishing into the outage for about three seconds.
    await waitFor(() => devices.rounds() >= 60, { timeoutMs: 30_000 });
    const ackedDuringOutage = devices.ackedCount() - ackedAtKill;
    await kafka.start();

    await waitUntilAllAcked(devices, 120, {
      timeoutMs: 120_000,
      intervalMs: 250,
      message: 'publishes were not acknowledged after the broker came back',
    });
    // A PUBACK means "in Kafka": while the broker was dead almost nothing could be acknowledged.
    expect(ackedDuringOutage).toBeLessThan(fleet.vehicles.length * 3);

    await verifyFleetDelivery(run, fleet);
  });
});
