import { type Geofence, type TelemetryReading, toTelemetryReading } from '@fleet/contracts';

/** A reading with every optional field absent; receivedAt = ts + 250 so it is distinguishable. */
export function reading(overrides: Partial<TelemetryReading> & { ts: number }): TelemetryReading {
  const base = toTelemetryReading({ vehicleId: 'v1', ts: overrides.ts, lat: 52.0, lon: 13.0, speedKph: 0 }, overrides.ts + 250);
  return { ...base, ...overrides };
}

/** Readings at the given speeds, one per `stepMs`, starting at t = 0. */
export function speedSeries(speeds: readonly number[], stepMs = 1000, startTs = 0): TelemetryReading[] {
  return speeds.map((speedKph, i) => reading({ ts: startTs + i * stepMs, speedKph }));
}

/** Axis-aligned square polygon ring around a centre, half-size in degrees. */
export function squareRing(lon: number, lat: number, half: number): [number, number][] {
  return [
    [lon - half, lat - half],
    [lon + half, lat - half],
    [lon + half, lat + half],
    [lon - half, lat + half],
    [lon - half, lat - half],
  ];
}

export function geofence(overrides: Partial<Geofence> & Pick<Geofence, 'id' | 'shape'>): Geofence {
  return { name: `Zone ${overrides.id}`, vehicleIds: 'all', alertOnEnter: true, alertOnExit: true, ...overrides };
}
