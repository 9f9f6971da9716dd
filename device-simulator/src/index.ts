// Programmatic API: the demo command, end-to-end tests and benchmarks drive the simulator in-process.
export { loadScenarioFile } from './adapters/scenario-file';
export { startProgressDisplay } from './adapters/progress-display';
export {
  type PublishedReading,
  resolveSimulationOptions,
  type SimulationHandle,
  type SimulationHooks,
  type SimulationSummary,
  type StopReason,
  startSimulation,
} from './app';
export type { DriverTraits, MisbehaviourShares } from './domain/driver-traits';
export { createFleet, type Fleet, type FleetConfig, type FleetGeography, vehicleIdFor, vehicleReadings } from './domain/fleet';
export type { LatLon } from './domain/geo';
export type { Behaviour } from './domain/misbehaviour';
export type { DeviceReading, SimulatedReading } from './domain/reading';
export { type Scenario, type ScriptedVehicle, parseScenario, scenarioSchema, scriptedReadings } from './domain/scenario';
export { SimulatedVehicle } from './domain/vehicle';
export { SimulatorError } from './errors';
export { formatStatsLine, formatSummary } from './format';
export type { LatencySummary } from './latency-histogram';
export { MAX_VEHICLES, type SimulationOptions, type SimulationOptionsInput, simulationOptionsSchema } from './options';
export type { SimulationStats } from './stats';
