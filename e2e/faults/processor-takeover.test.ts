import { waitFor } from '@fleet/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../src/free-ports';
import { metricValue } from '../src/metric-value';
import { killService, startExtraInstance } from '../src/service-control';
import { createCleanup } from './support/cleanup';
import { waitUntilAllAcked } from './support/device-fleet';
import { startFaultPipeline } from './support/fault-pipeline';
import { distinctEvents } from './support/outcomes';
import { startOverspeedFleet } from './support/overspeed-fleet';
import { verifyFleetDelivery } from './support/verify-delivery';

/**
 * Two stream-processor instances share the telemetry partitions; one is SIGKILLed while every
 * vehicle is in the middle of an overspeed episode (some confirmed, some not yet), and the other
 * takes its partitions over (after the group's session timeout, 10 s here) with the state from the changelog.
 */
const cleanup = createCleanup();
afterAll(() => cleanup.run());

describe('stream processor killed mid-episode, another instance takes over', () => {
  it('no event is repeated or missed, and each incident is emailed once', async () => {
    // A 10 s session: the survivor takes over 10 s after the kill instead of the default 30 s.
    const run = await startFaultPipeline(cleanup, {
      namespacePrefix: 'faults-proc',
      extraEnv: { 'stream-processors': { PROCESSOR_SESSION_TIMEOUT_MS: '10000' } },
    });
    const { pipeline } = run;
    const [secondOps] = await freePorts(1);
    await startExtraInstance(pipeline, 'stream-processors', 'stream-processors-2', secondOps!);

    // Episodes start at readings 10..31 and are confirmed 5 readings later: at the kill (reading
    // ~25) the first ones are confirmed, the last ones not yet.
    const fleet = await startOverspeedFleet(run, cleanup, {
      count: 8,
      episode: { from: 10, length: 20, stagger: 3 },
      readingsPerVehicle: 80,
      processorOpsPorts: [pipeline.ports.processorsOps, secondOps!],
    });
    const { devices } = fleet;

    await waitFor(() => devices.rounds() >= 25, { timeoutMs: 30_000, message: 'devices did not start publishing' });
    // The victim must own partitions with traffic, or the kill proves nothing: take the busier one.
    const instances = [
      { name: 'stream-processors', opsPort: pipeline.ports.processorsOps },
      { name: 'stream-processors-2', opsPort: secondOps! },
    ];
    const processed = await Promise.all(instances.map(({ opsPort }) => metricValue(opsPort, 'processor_readings_total')));
    const [victim, survivor] = processed[0]! >= processed[1]! ? [instances[0]!, instances[1]!] : [instances[1]!, instances[0]!];
    await killService(pipeline, victim.name);
    expect(Math.max(...processed)).toBeGreaterThan(0);
    const survivorBefore = await metricValue(survivor.opsPort, 'processor_readings_total');

    await waitUntilAllAcked(devices, 80, { timeoutMs: 60_000 });
    const { events } = await verifyFleetDelivery(run, fleet, { timeoutMs: 120_000 });
    // Not only the effects: the events topic itself holds each event once (the replay guard drops
    // what the victim wrote after its last changelog write).
    expect(events.map((event) => event.eventId)).toEqual(distinctEvents(events).map((event) => event.eventId));
    // Every episode ends after the kill and every END is there: the survivor took over the victim's
    // partitions (and their state) as well as keeping its own.
    expect(await metricValue(survivor.opsPort, 'processor_readings_total')).toBeGreaterThan(survivorBefore);
  });
});
