import { eventAvroSchema, type TelemetryReading, telemetryAvroSchema, type VehicleEvent } from '@fleet/contracts';
import type { InfraEndpoints } from '@fleet/infra';
import { createAvroSerde } from '@fleet/runtime';
import { influxQl, mailsTo } from '@fleet/testkit';
import type { DeviceReading } from './device-fleet';
import type { TopicRecord } from './topic-reader';

/** `vehicleId#seq` of every acknowledged reading. */
export function ackedKeys(acked: Map<string, Map<number, DeviceReading>>): string[] {
  return [...acked].flatMap(([vehicleId, readings]) => [...readings.keys()].map((seq) => `${vehicleId}#${seq}`));
}

export async function decodeTelemetry(registryUrl: string, records: TopicRecord[]): Promise<TelemetryReading[]> {
  const decode = createAvroSerde({ registryUrl }).decoderFor<TelemetryReading>(telemetryAvroSchema);
  return Promise.all(records.map((record) => decode(record.value!)));
}

export async function decodeEvents(registryUrl: string, records: TopicRecord[]): Promise<VehicleEvent[]> {
  const decode = createAvroSerde({ registryUrl }).decoderFor<VehicleEvent>(eventAvroSchema);
  return Promise.all(records.map((record) => decode(record.value!)));
}

/** Acknowledged readings missing from the decoded telemetry records (empty = nothing lost). */
export function missingFromKafka(acked: Map<string, Map<number, DeviceReading>>, readings: TelemetryReading[]): string[] {
  const present = new Set(readings.map((reading) => `${reading.vehicleId}#${reading.seq}`));
  return ackedKeys(acked).filter((key) => !present.has(key));
}

/** Acknowledged readings with no point in InfluxDB (point time = device time). */
export async function missingFromInflux(
  influx: InfraEndpoints['influx'],
  acked: Map<string, Map<number, DeviceReading>>,
): Promise<string[]> {
  const ids = [...acked.keys()];
  const rows = await influxQl(influx, `SELECT speed_kph FROM telemetry WHERE vehicle_id =~ /^(${ids.join('|')})$/ GROUP BY vehicle_id`);
  const present = new Set(rows.map((row) => `${row.vehicle_id}@${row.time}`));
  return [...acked].flatMap(([vehicleId, readings]) =>
    [...readings.values()].filter((reading) => !present.has(`${vehicleId}@${reading.ts}`)).map((reading) => `${vehicleId}#${reading.seq}`),
  );
}

/**
 * Event ids recorded more than once with different content. Without Kafka transactions a processor
 * killed between acknowledging its events and its state changelog replays that batch and writes the
 * same events again: same id, same content (DESIGN.md: at-least-once, idempotent effects). What
 * must never happen is one id standing for two different events.
 */
export function conflictingEventIds(events: VehicleEvent[]): string[] {
  const first = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const event of events) {
    const content = JSON.stringify(event);
    const seen = first.get(event.eventId);
    if (seen === undefined) first.set(event.eventId, content);
    else if (seen !== content) conflicting.add(event.eventId);
  }
  return [...conflicting];
}

/** Each event id once (the first record of it). */
export function distinctEvents(events: VehicleEvent[]): VehicleEvent[] {
  const byId = new Map<string, VehicleEvent>();
  for (const event of events) if (!byId.has(event.eventId)) byId.set(event.eventId, event);
  return [...byId.values()];
}

/** `vehicleId:TYPE` of each event, sorted (compare with the expected incidents). */
export function eventKinds(events: VehicleEvent[]): string[] {
  return events.map((event) => `${event.vehicleId}:${event.type}`).sort();
}

/** Subjects of the emails sent to the owner. */
export async function mailSubjects(mailApiUrl: string, ownerEmail: string): Promise<string[]> {
  return (await mailsTo(mailApiUrl, ownerEmail)).map((mail) => mail.Subject).sort();
}

/** Sorted `vehicleId:TYPE` of the event points in InfluxDB for these vehicles. */
export async function eventsInInflux(influx: InfraEndpoints['influx'], vehicleIds: string[]): Promise<string[]> {
  const rows = await influxQl(influx, `SELECT event_id FROM events WHERE vehicle_id =~ /^(${vehicleIds.join('|')})$/ GROUP BY vehicle_id, "type"`);
  return rows.map((row) => `${row.vehicle_id}:${row.type}`).sort();
}
