/**
 * How fast the pure generator makes readings, and how much memory a fleet takes, so we know the
 * simulator is never what limits a 15,000 readings/s pipeline benchmark.
 *
 *   npm run bench -w device-simulator      (runs node --expose-gc so heap figures are settled)
 */
import { createFleet, type FleetConfig } from '../src/domain/fleet';
import type { SimulatedVehicle } from '../src/domain/vehicle';

const CONFIG: FleetConfig = {
  seed: 1,
  vehicles: 10_000,
  center: { lat: 52.52, lon: 13.405 },
  idPrefix: 'veh-',
  shares: { speeding: 0.1, harsh: 0.1, depotExit: 0.2 },
  gpsNoiseM: 3,
};
const START_MS = Date.UTC(2025, 0, 1);
const PIPELINE_TARGET_PER_S = 15_000;

const collectGarbage = (globalThis as { gc?: () => void }).gc;
const format = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function heapUsedMb(): number {
  collectGarbage?.();
  collectGarbage?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Readings for `seconds` of simulated time at 1 Hz, fleet-wide in time order like the publisher. */
function generate(vehicles: SimulatedVehicle[], fromS: number, seconds: number, serialise: boolean): { readings: number; ms: number; bytes: number } {
  let readings = 0;
  let bytes = 0;
  const began = performance.now();
  for (let s = fromS; s < fromS + seconds; s++) {
    for (const vehicle of vehicles) {
      const reading = vehicle.readingAt(START_MS + s * 1000);
      if (serialise) bytes += JSON.stringify(reading).length;
      readings++;
    }
  }
  return { readings, ms: performance.now() - began, bytes };
}

if (!collectGarbage) console.warn('(run with node --expose-gc for settled heap figures)');

const baseline = heapUsedMb();
const fleet = createFleet(CONFIG);
const afterNetwork = heapUsedMb();
const vehicles = fleet.vehicleIds.map((_, index) => fleet.createVehicle(index, START_MS));
generate(vehicles, 0, 60, false); // warm up: every vehicle parked, set off and is mid-route
const afterVehicles = heapUsedMb();

const perSecond = (run: { readings: number; ms: number }) => (run.readings * 1000) / run.ms;
/** Median of three runs of 30 simulated seconds: GC pauses and how many vehicles are parked vary. */
function medianRun(fromS: number, serialise: boolean): { readings: number; ms: number; bytes: number } {
  const runs = [0, 1, 2].map((k) => generate(vehicles, fromS + 30 * k, 30, serialise));
  return runs.sort((a, b) => perSecond(a) - perSecond(b))[1] as (typeof runs)[number];
}
const plain = medianRun(60, false);
const serialised = medianRun(150, true);

console.log(`device-simulator generator benchmark (${format.format(CONFIG.vehicles)} vehicles, 1 Hz, median of 3 × 30 simulated s)`);
console.log(`  generate readings              ${format.format(perSecond(plain))} readings/s`);
console.log(`  generate + JSON.stringify      ${format.format(perSecond(serialised))} readings/s (avg ${format.format(serialised.bytes / serialised.readings)} bytes)`);
console.log(`  headroom over ${format.format(PIPELINE_TARGET_PER_S)}/s pipeline   ${(perSecond(serialised) / PIPELINE_TARGET_PER_S).toFixed(1)}× on one core`);
console.log(`  road network + route table     ${(afterNetwork - baseline).toFixed(1)} MB (shared by all vehicles)`);
console.log(`  10,000 vehicles' state         ${(afterVehicles - afterNetwork).toFixed(1)} MB (${format.format(((afterVehicles - afterNetwork) * 2 ** 20) / CONFIG.vehicles)} bytes per vehicle)`);
