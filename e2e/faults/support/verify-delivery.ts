import type { VehicleEvent } from '@fleet/contracts';
import type { InfraEndpoints } from '@fleet/infra';
import { waitFor } from '@fleet/testkit';
import { expect } from 'vitest';
import { caughtUp, pipelineGroups } from './consumer-groups';
import type { DeviceReading } from './device-fleet';
import type { FaultPipeline } from './fault-pipeline';
import {
  decodeEvents,
  decodeTelemetry,
  conflictingEventIds,
  distinctEvents,
  eventKinds,
  eventsInInflux,
  mailSubjects,
  missingFromInflux,
  missingFromKafka,
} from './outcomes';
import { expectedEpisodeEvents, type OverspeedFleet } from './overspeed-fleet';
import { readTopic } from './topic-reader';

export interface DeliveryCheck {
  endpoints: InfraEndpoints;
  namespace: string;
  topics: { telemetry: string; events: string };
  acked: Map<string, Map<number, DeviceReading>>;
  /** Sorted `vehicleId:TYPE` of every event the readings must produce, each exactly once. */
  expectedEvents: string[];
  ownerEmail: string;
  /** Vehicles that must get exactly one email each. */
  emailedVehicles: string[];
  /** The emails to the owner (default: the SMTP catcher's, by recipient); one string per email that names its vehicle. */
  emails?: () => Promise<string[]>;
  timeoutMs?: number;
}

/**
 * "Nothing acknowledged is lost and no alert is duplicated", end to end: every acknowledged reading
 * is in the telemetry topic and in InfluxDB; the events topic holds exactly the expected events
 * (a crash may repeat a record, never with other content under the same id); the owner got exactly
 * one email per incident and InfluxDB one point per event. Counting
 * waits until the processors and the alerts service have committed everything, so a late duplicate
 * would already be visible.
 */
export async function verifyDelivery(check: DeliveryCheck): Promise<{ events: VehicleEvent[] }> {
  const { endpoints, topics } = check;
  const timeoutMs = check.timeoutMs ?? 90_000;
  const brokers = endpoints.kafkaBrokers;
  const groups = pipelineGroups(check.namespace);
  const telemetry = await readTopic(brokers, topics.telemetry);
  const eventsTopic = await readTopic(brokers, topics.events);
  try {
    const missing = await waitFor(
      async () => {
        const lost = missingFromKafka(check.acked, await decodeTelemetry(endpoints.registryUrl, telemetry.records));
        return lost.length === 0 ? lost : undefined;
      },
      { timeoutMs, intervalMs: 500, message: 'acknowledged readings missing from the telemetry topic' },
    ).catch(async (error: Error) => {
      const lost = missingFromKafka(check.acked, await decodeTelemetry(endpoints.registryUrl, telemetry.records));
      throw new Error(`${error.message}: ${lost.length} missing, e.g. ${lost.slice(0, 5).join(', ')}`);
    });
    expect(missing).toEqual([]);

    await waitFor(
      async () =>
        (await caughtUp(brokers, groups.processors, topics.telemetry)) &&
        (await caughtUp(brokers, groups.alerts, topics.events)) &&
        (await caughtUp(brokers, groups.sinksEvents, topics.events)) &&
        (await caughtUp(brokers, groups.sinksTelemetry, topics.telemetry)),
      { timeoutMs, intervalMs: 500, message: 'the consumers did not catch up' },
    );
    const events = await decodeEvents(endpoints.registryUrl, eventsTopic.records);
    // A replayed batch may repeat an event record (same id, same content); the effects below —
    // emails and InfluxDB points — must still be exactly one per event.
    expect(conflictingEventIds(events)).toEqual([]);
    expect(eventKinds(distinctEvents(events))).toEqual(check.expectedEvents);

    const subjects = await waitFor(
      async () => {
        const found = await (check.emails ?? (() => mailSubjects(endpoints.mailApiUrl, check.ownerEmail)))();
        return found.length >= check.emailedVehicles.length ? found : undefined;
      },
      { timeoutMs, intervalMs: 500, message: 'emails did not arrive' },
    );
    expect(subjects).toHaveLength(check.emailedVehicles.length);
    for (const vehicleId of check.emailedVehicles) {
      expect(subjects.filter((subject) => subject.includes(`${vehicleId} `)), `emails about ${vehicleId}`).toHaveLength(1);
    }

    await waitFor(async () => (await missingFromInflux(endpoints.influx, check.acked)).length === 0, {
      timeoutMs,
      intervalMs: 1000,
      message: 'acknowledged readings missing from InfluxDB',
    });
    const influxEvents = await waitFor(
      async () => {
        const found = await eventsInInflux(endpoints.influx, [...check.acked.keys()]);
        return found.length >= check.expectedEvents.length ? found : undefined;
      },
      { timeoutMs, intervalMs: 1000, message: 'events missing from InfluxDB' },
    );
    expect(influxEvents).toEqual(check.expectedEvents);
    return { events };
  } finally {
    await telemetry.close();
    await eventsTopic.close();
  }
}

/**
 * verifyDelivery for one owner's overspeed fleet (startOverspeedFleet): each vehicle yields exactly
 * one OVERSPEED and one OVERSPEED_END event and one email.
 */
export function verifyFleetDelivery(
  { endpoints, namespace, pipeline }: Pick<FaultPipeline, 'endpoints' | 'namespace' | 'pipeline'>,
  { owner, devices }: Pick<OverspeedFleet, 'owner' | 'devices'>,
  options: { timeoutMs?: number } = {},
): Promise<{ events: VehicleEvent[] }> {
  return verifyDelivery({
    endpoints,
    namespace,
    topics: pipeline.topics,
    acked: devices.acked,
    expectedEvents: expectedEpisodeEvents(owner.vehicleIds),
    ownerEmail: owner.ownerEmail,
    emailedVehicles: owner.vehicleIds,
    timeoutMs: options.timeoutMs,
  });
}
