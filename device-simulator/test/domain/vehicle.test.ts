import { telemetryInputSchema } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { gearFor } from '../../src/domain/engine';
import { distanceM } from '../../src/domain/geo';
import { pairs, traceFleet } from './fleet-trace';

/** A typical six-speed car: engine rpm per km/h in each gear. */
const RPM_PER_KPH = [115, 65, 45, 34, 27, 22];

const COMFORT_MPS2 = 2;

describe('generated readings: determinism', () => {
  it('gives identical readings for the same seed', () => {
    const a = traceFleet({ seed: 7, vehicles: 5, gpsNoiseM: 3 }, 300).traces;
    const b = traceFleet({ seed: 7, vehicles: 5, gpsNoiseM: 3 }, 300).traces;
    expect(b.map((trace) => trace.map((step) => step.reading))).toEqual(a.map((trace) => trace.map((step) => step.reading)));
  });

  it('gives different readings for a different seed', () => {
    const a = traceFleet({ seed: 7, vehicles: 5 }, 120).traces;
    const b = traceFleet({ seed: 8, vehicles: 5 }, 120).traces;
    const positions = (traces: typeof a) => traces.flatMap((trace) => trace.map(({ reading }) => `${reading.lat},${reading.lon}`));
    expect(positions(b)).not.toEqual(positions(a));
  });

  it('keeps a vehicle the same whatever the fleet size', () => {
    const small = traceFleet({ vehicles: 3, shares: { speeding: 0, harsh: 0, depotExit: 0 } }, 120).traces[1];
    const large = traceFleet({ vehicles: 30, shares: { speeding: 0, harsh: 0, depotExit: 0 } }, 120).traces[1];
    expect(large?.map((step) => step.reading)).toEqual(small?.map((step) => step.reading));
  });
});

describe('generated readings: physical plausibility', () => {
  const { traces } = traceFleet({ vehicles: 40 }, 900);
  const all = traces.flat();

  it('every reading passes the contracts schema', () => {
    for (const { reading } of all) expect(telemetryInputSchema.safeParse(reading).error).toBeUndefined();
  });

  it('never teleports: each step is covered by the speeds at its ends', () => {
    // 3 m: halting snaps the last ≤1.5 m; speed may peak ~1 m/s between 1 s samples; rounding.
    for (const trace of traces) {
      for (const [a, b] of pairs(trace)) {
        const dtS = (b.reading.ts - a.reading.ts) / 1000;
        const maxMps = Math.max(a.reading.speedKph, b.reading.speedKph) / 3.6;
        expect(distanceM(a.reading, b.reading)).toBeLessThanOrEqual(maxMps * dtS + 3);
      }
    }
  });

  it('stays within comfortable acceleration except during injected harsh manoeuvres', () => {
    for (const { reading, behaviour } of all) {
      if (behaviour === 'harsh-braking' || behaviour === 'harsh-acceleration') continue;
      expect(Math.abs(reading.accelLongMps2 ?? 0)).toBeLessThanOrEqual(COMFORT_MPS2);
    }
  });

  it('changes speed between readings consistently with the reported acceleration limits', () => {
    for (const trace of traces) {
      for (const [a, b] of pairs(trace)) {
        if ([a, b].some((step) => step.behaviour !== 'normal')) continue;
        const dtS = (b.reading.ts - a.reading.ts) / 1000;
        // +0.9 m/s: a vehicle creeping at ≤0.8 m/s counts as halted at its stop line.
        expect(Math.abs(b.reading.speedKph - a.reading.speedKph) / 3.6).toBeLessThanOrEqual(COMFORT_MPS2 * dtS + 0.9);
      }
    }
  });

  it('drives on every road type at speeds that make sense', () => {
    const speeds = all.map(({ reading }) => reading.speedKph);
    expect(Math.max(...speeds)).toBeGreaterThan(60);
    expect(Math.max(...speeds)).toBeLessThanOrEqual(120 + 40);
    const moving = speeds.filter((speed) => speed > 1).length / speeds.length;
    expect(moving).toBeGreaterThan(0.4);
    expect(moving).toBeLessThan(0.95);
  });

  it('heads the way it moves', () => {
    for (const trace of traces) {
      for (const [a, b] of pairs(trace)) {
        if (a.reading.speedKph < 20 || b.reading.speedKph < 20 || a.reading.headingDeg !== b.reading.headingDeg) continue;
        const dx = b.truePoint.x - a.truePoint.x;
        const dy = b.truePoint.y - a.truePoint.y;
        const course = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
        const diff = Math.abs(course - (a.reading.headingDeg ?? 0)) % 360;
        expect(Math.min(diff, 360 - diff)).toBeLessThan(1);
      }
    }
  });
});

describe('generated readings: consistent OBD values', () => {
  const { traces } = traceFleet({ vehicles: 10, shares: { speeding: 0, harsh: 0, depotExit: 0 } }, 1200);

  it('reports rpm from speed and gear, idle when standing, zero with the ignition off', () => {
    for (const { reading } of traces.flat()) {
      const rpm = reading.rpm ?? -1;
      if (!reading.ignition) expect(rpm).toBe(0);
      else if (reading.speedKph === 0) expect(rpm).toBeGreaterThan(700);
      else if (reading.speedKph > 20) {
        // The reported speed is rounded, so at a shift point either neighbouring gear may be engaged.
        const gears = [gearFor(reading.speedKph - 0.1), gearFor(reading.speedKph + 0.1)];
        const offBy = gears.map((gear) => Math.abs(rpm - reading.speedKph * (RPM_PER_KPH[gear] as number)));
        expect(Math.min(...offBy)).toBeLessThanOrEqual(25);
      }
    }
  });

  it('warms the coolant from cold, burns fuel and adds odometer distance as it drives', () => {
    for (const trace of traces) {
      const first = trace[0]?.reading;
      const last = trace.at(-1)?.reading;
      if (!first || !last) throw new Error('empty trace');
      expect(first.coolantTempC).toBeLessThan(30);
      expect(Math.max(...trace.map(({ reading }) => reading.coolantTempC ?? 0))).toBeGreaterThan(80);
      expect(last.fuelLevelPct).toBeLessThan(first.fuelLevelPct ?? 0);
      const driven = pairs(trace).reduce((sum, [a, b]) => sum + distanceM(a.reading, b.reading), 0) / 1000;
      const odometer = (last.odometerKm ?? 0) - (first.odometerKm ?? 0);
      expect(odometer).toBeGreaterThan(1);
      expect(Math.abs(odometer - driven)).toBeLessThan(0.02 * driven + 0.05);
      for (const [a, b] of pairs(trace)) expect(b.reading.odometerKm).toBeGreaterThanOrEqual(a.reading.odometerKm ?? 0);
    }
  });

  it('shows a charging battery with the ignition on and a resting one with it off', () => {
    for (const { reading } of traces.flat()) {
      const volts = reading.batteryV ?? 0;
      if (reading.ignition) expect(volts).toBeGreaterThanOrEqual(13.75);
      if (reading.ignition) expect(volts).toBeLessThanOrEqual(14.45);
      else expect(volts).toBeLessThan(13);
    }
  });

  it('ties throttle and engine load to acceleration', () => {
    const flat = traces.flat().filter(({ reading }) => reading.ignition && reading.speedKph > 10);
    const load = (pick: (a: number) => boolean) => {
      const chosen = flat.filter(({ reading }) => pick(reading.accelLongMps2 ?? 0));
      return chosen.reduce((sum, { reading }) => sum + (reading.engineLoadPct ?? 0), 0) / chosen.length;
    };
    expect(load((a) => a > 1)).toBeGreaterThan(load((a) => a === 0) + 10);
    for (const { reading } of flat) if ((reading.accelLongMps2 ?? 0) < -0.5) expect(reading.throttlePct).toBe(0);
  });
});

describe('generated readings: GPS noise', () => {
  it('scatters positions around the true track by about the configured error', () => {
    const { fleet, traces } = traceFleet({ vehicles: 5, gpsNoiseM: 5 }, 300);
    const errors = traces.flat().map(({ reading, truePoint }) => distanceM(reading, fleet.network.projection.toLatLon(truePoint)));
    const rms = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length);
    expect(rms).toBeGreaterThan(5);
    expect(rms).toBeLessThan(9);
    expect(Math.max(...errors)).toBeLessThanOrEqual(5 * 3 * Math.SQRT2 + 0.5);
  });
});
