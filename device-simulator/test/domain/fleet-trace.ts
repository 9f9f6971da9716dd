import { createFleet, type Fleet, type FleetConfig } from '../../src/domain/fleet';
import type { Point } from '../../src/domain/geo';
import type { Behaviour } from '../../src/domain/misbehaviour';
import type { SimulatedReading } from '../../src/domain/reading';

export const START_MS = Date.UTC(2025, 0, 15, 8, 0, 0);

export const FLEET_DEFAULTS: FleetConfig = {
  seed: 42,
  vehicles: 20,
  center: { lat: 48.137, lon: 11.575 },
  idPrefix: 'veh-',
  shares: { speeding: 0.2, harsh: 0.2, depotExit: 0.2 },
  gpsNoiseM: 0,
};

/** A reading with the ground truth the model knew when it produced it. */
export interface TracedReading {
  reading: SimulatedReading;
  roadLimitKph: number;
  behaviour: Behaviour;
  truePoint: Point;
}

/** Every vehicle's readings every `intervalMs` for `durationS` seconds. */
export function traceFleet(
  overrides: Partial<FleetConfig> = {},
  durationS = 600,
  intervalMs = 1000,
): { fleet: Fleet; traces: TracedReading[][] } {
  const fleet = createFleet({ ...FLEET_DEFAULTS, ...overrides });
  const traces = fleet.vehicleIds.map((_, index) => {
    const vehicle = fleet.createVehicle(index, START_MS);
    const trace: TracedReading[] = [];
    for (let t = 0; t <= durationS * 1000; t += intervalMs) {
      const reading = vehicle.readingAt(START_MS + t);
      trace.push({ reading, roadLimitKph: vehicle.roadLimitKph, behaviour: vehicle.behaviour, truePoint: vehicle.truePoint });
    }
    return trace;
  });
  return { fleet, traces };
}

export function pairs<T>(items: readonly T[]): [T, T][] {
  return items.slice(1).map((item, index) => [items[index] as T, item]);
}
