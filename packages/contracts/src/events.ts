import { createHash } from 'node:crypto';

export const EVENT_TYPES = [
  'OVERSPEED',
  'OVERSPEED_END',
  'HARSH_BRAKING',
  'HARSH_ACCELERATION',
  'GEOFENCE_EXIT',
  'GEOFENCE_ENTER',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The value of vehicle.events (Avro VehicleEvent). Evidence fields are null when they do not apply. */
export interface VehicleEvent {
  eventId: string;
  vehicleId: string;
  type: EventType;
  /** event time: device time of the reading that confirmed the event, epoch ms */
  ts: number;
  lat: number;
  lon: number;
  speedKph: number;
  limitKph: number | null;
  peakSpeedKph: number | null;
  durationMs: number | null;
  accelMps2: number | null;
  geofenceId: string | null;
  geofenceName: string | null;
  /** bridge receive time of the triggering reading, for latency tracing */
  receivedAt: number | null;
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * Deterministic event id: the same vehicle, type, event time and discriminator (e.g. geofence id)
 * always give the same id, so replays and restarts produce no new identity.
 */
export function deterministicEventId(vehicleId: string, type: EventType, ts: number, discriminator = ''): string {
  const digest = createHash('sha256').update(`${vehicleId}\u0000${type}\u0000${ts}\u0000${discriminator}`).digest('hex');
  // Formatted as a UUID (version nibble 8: custom, RFC 9562) so tools that expect UUIDs accept it.
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-8${digest.slice(13, 16)}-${((Number.parseInt(digest.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}
