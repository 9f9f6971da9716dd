import type { Geofence, TelemetryReading, Vehicle, VehicleEvent } from '@fleet/contracts';
import fc from 'fast-check';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/domain/detector-config';
import { compileGeofences, type GeofenceIndex } from '../../src/domain/geofence-index';
import { initialVehicleState, type ProcessingContext, processReading, type VehicleState } from '../../src/domain/vehicle-processor';
import { geofence, reading, squareRing } from './reading-fixtures';

/**
 * Generators for whole vehicle streams that exercise every detector: positions hop between
 * waypoints inside, outside, in a hole and on the boundary of a set of fences; speeds random-walk
 * across the limits; time steps include duplicates, late readings, sparse readings and 60 s gaps.
 */
export const SCENARIO_GEOFENCES: readonly Geofence[] = [
  geofence({
    id: 'ring',
    shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.01), squareRing(13, 52, 0.003)] },
    speedLimitKph: 50,
  }),
  geofence({ id: 'school', shape: { type: 'Circle', center: [13.008, 52.008], radiusM: 300 }, speedLimitKph: 30 }),
  geofence({
    id: 'twin',
    shape: { type: 'MultiPolygon', coordinates: [[squareRing(13.05, 52, 0.004)], [squareRing(13.1, 52, 0.004)]] },
    alertOnEnter: false,
  }),
  geofence({ id: 'zone80', shape: { type: 'Polygon', coordinates: [squareRing(13.1, 52, 0.02)] }, speedLimitKph: 80, alertOnEnter: false, alertOnExit: false }),
  geofence({ id: 'v2-yard', vehicleIds: ['v2'], shape: { type: 'Circle', center: [13.05, 52], radiusM: 800 } }),
];

export const SCENARIO_VEHICLES: Readonly<Record<string, Vehicle | undefined>> = {
  v1: undefined,
  v2: { id: 'v2', ownerId: 'o1', name: 'Van', speedLimitKph: 90, thresholds: { overspeedMinDurationMs: 3000, harshBrakingMps2: 3 } },
  v3: { id: 'v3', ownerId: 'o1', name: 'Truck', speedLimitKph: 70 },
};

const WAYPOINTS: readonly [number, number][] = [
  [13.0, 52.0], // in the ring's hole
  [13.006, 52.006], // in the ring (and the school)
  [13.0099, 52.0], // ring, just inside the east edge
  [13.0101, 52.0], // just outside it
  [13.05, 52.0], // twin part A, v2's yard
  [13.1, 52.0], // twin part B, zone 80
  [13.2, 52.1], // open road
];

export interface ReadingStep {
  dtMs: number;
  speedDeltaKph: number;
  waypoint: number;
  accelLongMps2: number | null;
}

const stepArbitrary: fc.Arbitrary<ReadingStep> = fc.record({
  dtMs: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 200, max: 3000 }) },
    { weight: 2, arbitrary: fc.integer({ min: 3001, max: 8000 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, -700, 60_001, 90_000) },
  ),
  speedDeltaKph: fc.integer({ min: -40, max: 25 }),
  waypoint: fc.nat({ max: WAYPOINTS.length - 1 }),
  accelLongMps2: fc.option(fc.double({ min: -9, max: 6, noNaN: true }), { freq: 4 }),
});

/** Positions stay at one waypoint for a few readings before hopping, so crossings get confirmed. */
export function buildStream(vehicleId: string, steps: readonly ReadingStep[], startTs = 1_700_000_000_000): TelemetryReading[] {
  let ts = startTs;
  let speedKph = 60;
  let waypoint = 0;
  return steps.map((step, i) => {
    ts += step.dtMs;
    speedKph = Math.min(200, Math.max(0, speedKph + step.speedDeltaKph));
    if (i % 3 === 0) waypoint = step.waypoint;
    const [lon, lat] = WAYPOINTS[waypoint] ?? [0, 0];
    return reading({ vehicleId, ts, lon, lat, speedKph, accelLongMps2: step.accelLongMps2, receivedAt: ts + 120 });
  });
}

export const vehicleIdArbitrary = fc.constantFrom(...Object.keys(SCENARIO_VEHICLES));

export const streamArbitrary = (vehicleId: string, maxLength = 80): fc.Arbitrary<TelemetryReading[]> =>
  fc.array(stepArbitrary, { minLength: 1, maxLength }).map((steps) => buildStream(vehicleId, steps));

export function scenarioContext(vehicleId: string, index: GeofenceIndex = compileGeofences(SCENARIO_GEOFENCES)): ProcessingContext {
  return { vehicle: SCENARIO_VEHICLES[vehicleId], geofences: index, config: DEFAULT_DETECTOR_CONFIG };
}

/** Feeds readings through processReading, continuing from `state`. */
export function feed(state: VehicleState, readings: readonly TelemetryReading[], context: ProcessingContext) {
  let current = state;
  const events: VehicleEvent[] = [];
  let skipped = 0;
  for (const r of readings) {
    const result = processReading(current, r, context);
    current = result.state;
    events.push(...result.events);
    if (result.skipped !== null) skipped++;
  }
  return { state: current, events, skipped };
}

export function processAll(readings: readonly TelemetryReading[], context: ProcessingContext) {
  return feed(initialVehicleState(), readings, context);
}

/** What a crash does to state: it only survives as the JSON written to the changelog. */
export function viaJson(state: VehicleState): VehicleState {
  return JSON.parse(JSON.stringify(state)) as VehicleState;
}
