/** Kafka topic and schema-registry subject names shared by every service (DESIGN.md "Kafka topics"). */
export const TOPICS = {
  telemetry: 'vehicle.telemetry',
  telemetryDlq: 'vehicle.telemetry.dlq',
  events: 'vehicle.events',
  /** Records the stream processors could not decode (poison), with reason headers. */
  processorDlq: 'stream-processors.dlq',
  /** Compacted changelog of per-vehicle detector state (key = vehicleId). */
  processorState: 'stream-processors.vehicle-state',
  /** Records the InfluxDB sinks could not write (non-finite values, rejected lines), with reasons. */
  telemetrySinkDlq: 'vehicle.telemetry.sink-dlq',
  eventsSinkDlq: 'vehicle.events.sink-dlq',
  /** Compacted tables written by the alerts service's registry API, read by the processors. */
  registryOwners: 'fleet.registry.owners',
  registryVehicles: 'fleet.registry.vehicles',
  registryGeofences: 'fleet.registry.geofences',
  /** Hashes of owner API tokens (kept apart from the owner records the processors read). */
  registryOwnerTokens: 'fleet.registry.owner-tokens',
  /** The alerts service's durable record of every notification decision, keyed by eventId. */
  alertNotifications: 'fleet.alerts.notifications',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Confluent TopicNameStrategy: the value subject of a topic. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
