import { describe, expect, it } from 'vitest';
import { distanceM } from '../../src/domain/geo';
import { pairs, type TracedReading, traceFleet } from './fleet-trace';

const SHARES = { speeding: 0.2, harsh: 0.3, depotExit: 0.25 };
const VEHICLES = 80;

/** Longest run of consecutive readings satisfying `test`. */
function longestRun(trace: readonly TracedReading[], test: (step: TracedReading) => boolean): number {
  let longest = 0;
  let current = 0;
  for (const step of trace) {
    current = test(step) ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

describe('injected misbehaviour', () => {
  const { fleet, traces } = traceFleet({ vehicles: VEHICLES, shares: SHARES }, 900);
  const indicesWith = (trait: 'speeder' | 'harsh' | 'startsInDepot') =>
    fleet.traits.flatMap((traits, index) => (traits[trait] ? [index] : []));
  const indicesWhere = (test: (trace: TracedReading[]) => boolean) =>
    traces.flatMap((trace, index) => (test(trace) ? [index] : []));

  it('assigns each trait to exactly its share of the fleet', () => {
    expect(indicesWith('speeder')).toHaveLength(VEHICLES * SHARES.speeding);
    expect(indicesWith('harsh')).toHaveLength(VEHICLES * SHARES.harsh);
    expect(indicesWith('startsInDepot')).toHaveLength(VEHICLES * SHARES.depotExit);
  });

  it('speeders, and only they, drive 15+ km/h over the limit for at least 10 s', () => {
    const speeding = indicesWhere(
      (trace) => longestRun(trace, (step) => step.reading.speedKph >= step.roadLimitKph + 12) >= 10 &&
        trace.some((step) => step.reading.speedKph >= step.roadLimitKph + 15),
    );
    expect(speeding).toEqual(indicesWith('speeder'));
    const overLimit = indicesWhere((trace) => trace.some((step) => step.reading.speedKph > step.roadLimitKph + 0.5));
    expect(overLimit).toEqual(indicesWith('speeder'));
    const peakExcess = Math.max(...traces.flat().map((step) => step.reading.speedKph - step.roadLimitKph));
    expect(peakExcess).toBeLessThanOrEqual(40.5);
  });

  it('harsh drivers, and only they, brake at 5–7 m/s² and accelerate at 3.5+ m/s²', () => {
    const accels = (trace: TracedReading[]) => trace.map((step) => step.reading.accelLongMps2 ?? 0);
    const braking = indicesWhere((trace) => accels(trace).some((a) => a <= -5));
    const accelerating = indicesWhere((trace) => accels(trace).some((a) => a >= 3.5));
    expect(braking).toEqual(indicesWith('harsh'));
    expect(accelerating).toEqual(indicesWith('harsh'));
    expect(Math.min(...traces.flat().map((step) => step.reading.accelLongMps2 ?? 0))).toBeGreaterThanOrEqual(-7);
  });

  it('harsh braking lasts at least one reading and slows the vehicle by its magnitude', () => {
    for (const trace of traces) {
      for (const [a, b] of pairs(trace)) {
        if (b.behaviour !== 'harsh-braking' || a.behaviour !== 'harsh-braking') continue;
        const decel = (a.reading.speedKph - b.reading.speedKph) / 3.6;
        expect(decel).toBeGreaterThanOrEqual(4.5);
        expect(decel).toBeLessThanOrEqual(7.05);
      }
    }
  });

  it('depot vehicles, and only they, start inside the depot circle and drive out of it', () => {
    const { depot } = fleet.geography;
    const inside = (step: TracedReading) => distanceM(step.reading, depot.center) <= depot.radiusM;
    const startInside = indicesWhere((trace) => trace[0] !== undefined && inside(trace[0]));
    const leave = indicesWhere((trace) => trace[0] !== undefined && inside(trace[0]) && trace.some((step) => !inside(step)));
    const everInside = indicesWhere((trace) => trace.some(inside));
    expect(startInside).toEqual(indicesWith('startsInDepot'));
    expect(leave).toEqual(indicesWith('startsInDepot'));
    expect(everInside).toEqual(indicesWith('startsInDepot'));
  });

  it('misbehaves not at all when every share is zero', () => {
    const calm = traceFleet({ vehicles: 20, shares: { speeding: 0, harsh: 0, depotExit: 0 } }, 600).traces.flat();
    expect(calm.every((step) => step.reading.speedKph <= step.roadLimitKph + 0.5)).toBe(true);
    expect(calm.every((step) => Math.abs(step.reading.accelLongMps2 ?? 0) <= 2)).toBe(true);
  });
});
