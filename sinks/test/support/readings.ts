import { type TelemetryReading, toTelemetryReading, type VehicleEvent } from '@fleet/contracts';

/** A reading with every optional field null; override what the test needs. */
export function reading(overrides: Partial<TelemetryReading> = {}): TelemetryReading {
  const base = toTelemetryReading({ vehicleId: 'veh-1', ts: 1_700_000_000_123, lat: 52.52, lon: 13.405, speedKph: 50 }, 1_700_000_000_200);
  return { ...base, ...overrides };
}

export function event(overrides: Partial<VehicleEvent> = {}): VehicleEvent {
  return {
    eventId: '0f0e0d0c-0b0a-8908-8706-050403020100',
    vehicleId: 'veh-1',
    type: 'OVERSPEED',
    ts: 1_700_000_000_123,
    lat: 52.52,
    lon: 13.405,
    speedKph: 131.5,
    limitKph: 120,
    peakSpeedKph: null,
    durationMs: null,
    accelMps2: null,
    geofenceId: null,
    geofenceName: null,
    receivedAt: null,
    ...overrides,
  };
}
