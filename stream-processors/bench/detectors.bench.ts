/**
 * Pure detector throughput: 10,000 vehicles, 100 geofences, synthetic 1 Hz readings, one core.
 * Run: npx tsx stream-processors/bench/detectors.bench.ts   (add --expose-gc via NODE_OPTIONS for
 * a steadier heap figure). Readings are generated outside the timed sections; the timed loop is
 * what the Kafka handler does per reading: state lookup, processReading, state store.
 *
 * Each vehicle's new state lives until that vehicle's next reading (10,000 readings later), long
 * enough to be promoted out of V8's default 16 MiB young generation, so GC is a large share of the
 * cost: `node --max-semi-space-size=64 --import tsx stream-processors/bench/detectors.bench.ts`
 * shows what the service gains from that flag.
 */
import type { EventType, TelemetryReading, Vehicle } from '@fleet/contracts';
import {
  compileGeofences,
  DEFAULT_DETECTOR_CONFIG,
  initialVehicleState,
  processReading,
  type VehicleState,
} from '../src/domain/index';
import { SyntheticTraffic, syntheticGeofences, syntheticVehicles } from './synthetic-fleet';

const VEHICLES = 10_000;
const GEOFENCES = 100;
// One round = one reading per vehicle; small chunks, so generated readings die young like decoded
// Kafka records do instead of piling up in the old generation and billing the detectors for it.
const ROUNDS_PER_CHUNK = 1;
const WARMUP_CHUNKS = 20;
const TIMED_CHUNKS = 200;
const LATENCY_CHUNKS = 20;

const geofences = syntheticGeofences(GEOFENCES, VEHICLES);
const compileStarted = process.hrtime.bigint();
const index = compileGeofences(geofences);
const compileMs = Number(process.hrtime.bigint() - compileStarted) / 1e6;
const vehicles = new Map<string, Vehicle>(syntheticVehicles(VEHICLES).map((v) => [v.id, v]));
const traffic = new SyntheticTraffic(VEHICLES);
const states = new Map<string, VehicleState>();
const eventsByType = new Map<EventType, number>();
let skipped = 0;

function nextChunk(): TelemetryReading[] {
  const chunk: TelemetryReading[] = [];
  for (let round = 0; round < ROUNDS_PER_CHUNK; round++) traffic.nextRound(chunk);
  return chunk;
}

function processOne(reading: TelemetryReading): void {
  const result = processReading(states.get(reading.vehicleId) ?? initialVehicleState(), reading, {
    vehicle: vehicles.get(reading.vehicleId),
    geofences: index,
    config: DEFAULT_DETECTOR_CONFIG,
  });
  if (result.skipped !== null) skipped++;
  else states.set(reading.vehicleId, result.state);
  for (const event of result.events) eventsByType.set(event.type, (eventsByType.get(event.type) ?? 0) + 1);
}

/** Wall time and process CPU time (µs, all threads incl. GC helpers) for one chunk. */
function timeChunk(chunk: readonly TelemetryReading[]): { wallNs: number; cpuUs: number } {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const reading of chunk) processOne(reading);
  const wallNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  return { wallNs, cpuUs: cpu.user + cpu.system };
}

// Warm-up (JIT, initial state for every vehicle), not counted.
for (let c = 0; c < WARMUP_CHUNKS; c++) timeChunk(nextChunk());
eventsByType.clear();

let timedNs = 0;
let timedCpuUs = 0;
let timedReadings = 0;
for (let c = 0; c < TIMED_CHUNKS; c++) {
  const chunk = nextChunk();
  const { wallNs, cpuUs } = timeChunk(chunk);
  timedNs += wallNs;
  timedCpuUs += cpuUs;
  timedReadings += chunk.length;
}

// Per-reading latency in a separate pass: the timer itself costs ~50 ns, so it stays out of the throughput figure.
const perReadingNs = new Float64Array(LATENCY_CHUNKS * VEHICLES * ROUNDS_PER_CHUNK);
let sampled = 0;
for (let c = 0; c < LATENCY_CHUNKS; c++) {
  for (const reading of nextChunk()) {
    const started = process.hrtime.bigint();
    processOne(reading);
    perReadingNs[sampled++] = Number(process.hrtime.bigint() - started);
  }
}
perReadingNs.sort();
const percentile = (p: number) => perReadingNs[Math.min(perReadingNs.length - 1, Math.floor(p * perReadingNs.length))] ?? 0;

globalThis.gc?.();
const heapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
let stateBytes = 0;
let largestState = 0;
for (const state of states.values()) {
  const bytes = Buffer.byteLength(JSON.stringify(state));
  stateBytes += bytes;
  largestState = Math.max(largestState, bytes);
}

const seconds = timedNs / 1e9;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
console.log(`detectors benchmark — node ${process.version}, ${VEHICLES} vehicles, ${index.fences.length}/${GEOFENCES} geofences compiled in ${fmt(compileMs, 1)} ms`);
console.log(
  `throughput     ${fmt(timedReadings / seconds)} readings/s wall · ${fmt(timedReadings / (timedCpuUs / 1e6))} readings per CPU-second (one JS thread; ${fmt(timedReadings)} readings in ${fmt(seconds, 2)} s)`,
);
console.log(`per reading    mean ${fmt(timedNs / timedReadings)} ns · p50 ${fmt(percentile(0.5))} ns · p99 ${fmt(percentile(0.99))} ns · p99.9 ${fmt(percentile(0.999))} ns (timer included)`);
console.log(`events         ${[...eventsByType].map(([type, n]) => `${type} ${fmt(n)}`).join(' · ')} · skipped readings ${fmt(skipped)}`);
console.log(`heap used      ${fmt(heapUsedMb, 1)} MiB${globalThis.gc ? ' (after gc)' : ' (run with NODE_OPTIONS=--expose-gc for after-gc)'}`);
console.log(`state size     ${fmt(stateBytes / 2 ** 20, 2)} MiB JSON for ${fmt(states.size)} vehicles · mean ${fmt(stateBytes / states.size)} B · max ${fmt(largestState)} B`);
