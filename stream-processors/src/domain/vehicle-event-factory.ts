import { deterministicEventId, type EventType, type TelemetryReading, type VehicleEvent } from '@fleet/contracts';

/**
 * The reading an event is about. Every event takes its ts, position, speed and receivedAt from one
 * reading, so the event describes a real observation. It is stored in detector state when the
 * event is emitted later (e.g. OVERSPEED_END on a gap, a harsh manoeuvre closed by the next reading),
 * which is why it is a plain copy and not the reading itself.
 */
export interface ReadingAnchor {
  ts: number;
  lat: number;
  lon: number;
  speedKph: number;
  receivedAt: number | null;
}

export type EventEvidence = Partial<
  Pick<VehicleEvent, 'limitKph' | 'peakSpeedKph' | 'durationMs' | 'accelMps2' | 'geofenceId' | 'geofenceName'>
>;

/** Shared empty result: most readings emit nothing, so do not allocate an array for them. */
export const NO_EVENTS: readonly VehicleEvent[] = Object.freeze([]);

export function anchorOf(reading: TelemetryReading): ReadingAnchor {
  return {
    ts: reading.ts,
    lat: reading.lat,
    lon: reading.lon,
    speedKph: reading.speedKph,
    receivedAt: reading.receivedAt,
  };
}

/**
 * Builds a contract event. The id depends only on (vehicle, type, event ts, discriminator), so a
 * replay or a restored processor produces the same id and downstream dedup holds.
 */
export function createVehicleEvent(
  vehicleId: string,
  type: EventType,
  anchor: ReadingAnchor,
  evidence: EventEvidence,
  discriminator = '',
): VehicleEvent {
  return {
    eventId: deterministicEventId(vehicleId, type, anchor.ts, discriminator),
    vehicleId,
    type,
    ts: anchor.ts,
    lat: anchor.lat,
    lon: anchor.lon,
    speedKph: anchor.speedKph,
    limitKph: evidence.limitKph ?? null,
    peakSpeedKph: evidence.peakSpeedKph ?? null,
    durationMs: evidence.durationMs ?? null,
    accelMps2: evidence.accelMps2 ?? null,
    geofenceId: evidence.geofenceId ?? null,
    geofenceName: evidence.geofenceName ?? null,
    receivedAt: anchor.receivedAt,
  };
}
