import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bboxContains, circleBounds, compileShape, EARTH_RADIUS_M, haversineDistanceM } from '../../src/domain/geometry';
import { squareRing } from './reading-fixtures';

const DEG = Math.PI / 180;

/** Point at `distanceM` from a start along `bearingDeg` on the sphere (test oracle). */
function destination(lon: number, lat: number, bearingDeg: number, distanceM: number): [number, number] {
  const angular = distanceM / EARTH_RADIUS_M;
  const bearing = bearingDeg * DEG;
  const lat1 = lat * DEG;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing));
  const lon2 = lon * DEG + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1), Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2));
  return [lon2 / DEG, lat2 / DEG];
}

describe('haversineDistanceM', () => {
  it('measures a thousandth of a degree of latitude as ~111.2 m', () => {
    expect(haversineDistanceM(13, 52, 13, 52.001)).toBeCloseTo(111.195, 2);
  });

  it('is symmetric and zero for the same point', () => {
    expect(haversineDistanceM(13.4, 52.5, 2.35, 48.85)).toBeCloseTo(haversineDistanceM(2.35, 48.85, 13.4, 52.5), 6);
    expect(haversineDistanceM(13.4, 52.5, 13.4, 52.5)).toBe(0);
  });
});

describe('compileShape', () => {
  const polygonWithHole = compileShape({
    type: 'Polygon',
    coordinates: [squareRing(13, 52, 0.01), squareRing(13, 52, 0.003)],
  });

  it.each([
    { name: 'inside the outer ring, outside the hole', lon: 13.006, lat: 52.006, inside: true },
    { name: 'inside the hole is outside', lon: 13.001, lat: 52.001, inside: false },
    { name: 'outside the outer ring', lon: 13.02, lat: 52, inside: false },
    { name: 'on the outer boundary counts as inside', lon: 13.01, lat: 52, inside: true },
  ])('polygon with a hole: $name', ({ lon, lat, inside }) => {
    expect(polygonWithHole.contains(lon, lat)).toBe(inside);
  });

  it('multipolygon: inside either part, not between them', () => {
    const shape = compileShape({
      type: 'MultiPolygon',
      coordinates: [[squareRing(13, 52, 0.005)], [squareRing(13.1, 52, 0.005)]],
    });
    expect(shape.contains(13.001, 52.001)).toBe(true);
    expect(shape.contains(13.101, 51.999)).toBe(true);
    expect(shape.contains(13.05, 52)).toBe(false);
    expect(shape.bbox).toEqual({ minLon: 12.995, minLat: 51.995, maxLon: 13.105, maxLat: 52.005 });
  });

  it('circle: inside up to the radius (haversine), outside beyond', () => {
    const circle = compileShape({ type: 'Circle', center: [13, 52], radiusM: 500 });
    for (const bearing of [0, 45, 90, 180, 270]) {
      expect(circle.contains(...destination(13, 52, bearing, 499))).toBe(true);
      expect(circle.contains(...destination(13, 52, bearing, 501))).toBe(false);
    }
  });
});

describe('circleBounds', () => {
  it('contains every point of the circle (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: -85, max: 85, noNaN: true }),
        fc.double({ min: 1, max: 200_000, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lon, lat, radiusM, bearing, fraction) => {
          const [pLon, pLat] = destination(lon, lat, bearing, radiusM * fraction);
          if (pLon < -180 || pLon > 180) return; // wrapped past the antimeridian: bounds cover all longitudes
          expect(bboxContains(circleBounds(lon, lat, radiusM), pLon, pLat)).toBe(true);
        },
      ),
    );
  });

  it('covers all longitudes for a circle around a pole or across the antimeridian', () => {
    expect(circleBounds(0, 89.99, 5000)).toMatchObject({ minLon: -180, maxLon: 180, maxLat: 90 });
    expect(circleBounds(179.999, 0, 5000)).toMatchObject({ minLon: -180, maxLon: 180 });
  });
});
