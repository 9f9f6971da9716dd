import { describe, expect, it } from 'vitest';
import { createFleet, vehicleIdFor, vehicleReadings } from '../../src/domain/fleet';
import { distanceM } from '../../src/domain/geo';
import { deriveSeed, SeededRandom, seedFromText } from '../../src/domain/random';
import { FLEET_DEFAULTS, START_MS } from './fleet-trace';

describe('fleet', () => {
  const fleet = createFleet({ ...FLEET_DEFAULTS, vehicles: 3, idPrefix: 'truck-' });

  it('names vehicles with the prefix and a stable 5-digit number', () => {
    expect(fleet.vehicleIds).toEqual(['truck-00001', 'truck-00002', 'truck-00003']);
    expect(vehicleIdFor('veh-', 19_999)).toBe('veh-20000');
  });

  it('describes where it drives: depot near the centre, inside the road area', () => {
    const { center, depot, bounds } = fleet.geography;
    expect(center).toEqual(FLEET_DEFAULTS.center);
    expect(distanceM(center, depot.center)).toBeLessThan(400);
    expect(depot.radiusM).toBeGreaterThan(50);
    expect(bounds.south).toBeLessThan(center.lat);
    expect(bounds.north).toBeGreaterThan(center.lat);
    expect(bounds.west).toBeLessThan(center.lon);
    expect(bounds.east).toBeGreaterThan(center.lon);
  });

  it('yields a reading every interval with a rising device counter', () => {
    const readings = vehicleReadings(fleet.createVehicle(0, START_MS), START_MS, 500);
    const first = Array.from({ length: 4 }, () => readings.next().value);
    expect(first.map((reading) => reading?.ts)).toEqual([0, 500, 1000, 1500].map((offset) => START_MS + offset));
    expect(first.map((reading) => reading?.seq)).toEqual([0, 1, 2, 3]);
  });

  it('refuses to go back in time', () => {
    const vehicle = fleet.createVehicle(1, START_MS);
    vehicle.readingAt(START_MS + 1000);
    expect(() => vehicle.readingAt(START_MS)).toThrow(/backwards/);
  });
});

describe('seeded randomness', () => {
  it('repeats a sequence for a seed and differs across seeds and streams', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((random) => () => random.next())(new SeededRandom(seed)));
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
    expect(deriveSeed(9, 0)).not.toBe(deriveSeed(9, 1));
    expect(seedFromText('demo')).toBe(seedFromText('demo'));
    expect(seedFromText('demo')).not.toBe(seedFromText('demo2'));
  });
});
