import { assignDriverTraits, type DriverTraits, type MisbehaviourShares } from './driver-traits';
import type { LatLon } from './geo';
import { deriveSeed } from './random';
import { buildRoadNetwork, DEFAULT_NETWORK_LAYOUT, type RoadNetwork, type RoadNetworkLayout } from './road-network';
import { RoutePlanner } from './route-planner';
import type { SimulatedReading } from './reading';
import { SimulatedVehicle } from './vehicle';

export interface FleetConfig {
  seed: number;
  vehicles: number;
  center: LatLon;
  /** Vehicle ids are the prefix and a 5-digit number from 00001, e.g. `veh-00042`. */
  idPrefix: string;
  shares: MisbehaviourShares;
  /** Standard deviation of the GPS position error, metres. */
  gpsNoiseM: number;
  layout?: RoadNetworkLayout;
}

/** Where things are, for seeding geofences and dashboards that match the simulated fleet. */
export interface FleetGeography {
  center: LatLon;
  depot: { center: LatLon; radiusM: number };
  /** Corners of the area the roads span (the highway ring included). */
  bounds: { south: number; west: number; north: number; east: number };
}

export interface Fleet {
  readonly config: FleetConfig;
  readonly network: RoadNetwork;
  readonly geography: FleetGeography;
  readonly vehicleIds: readonly string[];
  readonly traits: readonly DriverTraits[];
  /** Vehicle `index` as it is at `startMs`: parked, engine cold, about to set off. */
  createVehicle(index: number, startMs: number): SimulatedVehicle;
}

/** Independent random streams, so e.g. the road layout does not change with the fleet size. */
const NETWORK_STREAM = 0;
const TRAITS_STREAM = 1;
const VEHICLES_STREAM = 2;

export function vehicleIdFor(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(5, '0')}`;
}

export function createFleet(config: FleetConfig): Fleet {
  const network = buildRoadNetwork(config.center, deriveSeed(config.seed, NETWORK_STREAM), config.layout ?? DEFAULT_NETWORK_LAYOUT);
  const world = { network, planner: new RoutePlanner(network) };
  const traits = assignDriverTraits(deriveSeed(config.seed, TRAITS_STREAM), config.vehicles, config.shares);
  const vehicleIds = Array.from({ length: config.vehicles }, (_, index) => vehicleIdFor(config.idPrefix, index));
  const vehiclesSeed = deriveSeed(config.seed, VEHICLES_STREAM);
  return {
    config,
    network,
    geography: describeGeography(network),
    vehicleIds,
    traits,
    createVehicle(index, startMs) {
      const vehicleId = vehicleIds[index];
      const vehicleTraits = traits[index];
      if (vehicleId === undefined || vehicleTraits === undefined) throw new RangeError(`no vehicle ${index} in this fleet`);
      const spec = { vehicleId, seed: deriveSeed(vehiclesSeed, index), traits: vehicleTraits, gpsNoiseM: config.gpsNoiseM };
      return new SimulatedVehicle(spec, world, startMs);
    },
  };
}

/** Readings of one vehicle every `intervalMs` from `startMs` on, for ever. */
export function* vehicleReadings(vehicle: SimulatedVehicle, startMs: number, intervalMs: number): Generator<SimulatedReading> {
  for (let k = 0; ; k++) yield vehicle.readingAt(startMs + Math.round(k * intervalMs));
}

function describeGeography(network: RoadNetwork): FleetGeography {
  const { projection, points, depot } = network;
  const xs = points.map((point) => point.x);
  const ys = points.map((point) => point.y);
  const southWest = projection.toLatLon({ x: Math.min(...xs), y: Math.min(...ys) });
  const northEast = projection.toLatLon({ x: Math.max(...xs), y: Math.max(...ys) });
  return {
    center: projection.center,
    depot: { center: projection.toLatLon(depot.center), radiusM: depot.radiusM },
    bounds: { south: southWest.lat, west: southWest.lon, north: northEast.lat, east: northEast.lon },
  };
}
