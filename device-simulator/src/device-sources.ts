import { createFleet, type Fleet, vehicleReadings } from './domain/fleet';
import type { DeviceReading } from './domain/reading';
import { type Scenario, scriptedReadings } from './domain/scenario';
import type { SimulationOptions } from './options';

/** Where each simulated device's readings come from: the generated fleet or a scripted scenario. */
export interface DeviceSource {
  readonly vehicleIds: readonly string[];
  /** Scripted vehicles start together (their offsets relate to one another); generated ones on connecting. */
  readonly startTogether: boolean;
  /** Readings of vehicle `index` from `startMs` on; `ts` says when each is due. */
  readings(index: number, startMs: number): Iterator<DeviceReading>;
  /** The generated fleet (its geography is what the demo seeds geofences from). */
  readonly fleet?: Fleet;
}

const GOLDEN_RATIO = 0.618_033_988_75;

export function deviceSourceFor(options: SimulationOptions): DeviceSource {
  return options.scenario ? scenarioSource(options.scenario) : fleetSource(options);
}

function fleetSource(options: SimulationOptions): DeviceSource {
  const fleet = createFleet({
    seed: options.seed,
    vehicles: options.vehicles,
    center: options.center,
    idPrefix: options.idPrefix,
    shares: options.shares,
    gpsNoiseM: options.gpsNoiseM,
  });
  const intervalMs = 1000 / options.ratePerSec;
  return {
    vehicleIds: fleet.vehicleIds,
    startTogether: false,
    fleet,
    readings: (index, startMs) => {
      // Vehicles sharing a connection come up together: stagger them over one interval (golden-ratio
      // spacing) so the fleet publishes as an even stream, not one burst per interval.
      const begin = startMs + Math.round(((index * GOLDEN_RATIO) % 1) * intervalMs);
      return vehicleReadings(fleet.createVehicle(index, begin), begin, intervalMs);
    },
  };
}

function scenarioSource(scenario: Scenario): DeviceSource {
  return {
    vehicleIds: scenario.vehicles.map((vehicle) => vehicle.vehicleId),
    startTogether: true,
    readings: (index, startMs) => {
      const vehicle = scenario.vehicles[index];
      if (!vehicle) throw new RangeError(`no scripted vehicle ${index}`);
      return scriptedReadings(vehicle, startMs)[Symbol.iterator]();
    },
  };
}
