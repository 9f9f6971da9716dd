import type { GeofenceShape, Position } from '@fleet/contracts';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';

/** Mean Earth radius (IUGG), metres: the sphere haversine distances are measured on. */
export const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

/** Axis-aligned bounds in degrees, used as a cheap prefilter before the exact test. */
export interface BoundingBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** A shape compiled once: its bounds and an exact containment test (boundary counts as inside). */
export interface CompiledShape {
  bbox: BoundingBox;
  contains(lon: number, lat: number): boolean;
}

export function haversineDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * DEG;
  const dLon = (lon2 - lon1) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function bboxContains(bbox: BoundingBox, lon: number, lat: number): boolean {
  return lon >= bbox.minLon && lon <= bbox.maxLon && lat >= bbox.minLat && lat <= bbox.maxLat;
}

export function compileShape(shape: GeofenceShape): CompiledShape {
  switch (shape.type) {
    case 'Polygon':
      return compilePolygons([shape.coordinates]);
    case 'MultiPolygon':
      return compilePolygons(shape.coordinates);
    case 'Circle':
      return compileCircle(shape.center, shape.radiusM);
  }
}

/**
 * Polygons (holes respected) via turf, which uses a robust winding test; each part keeps its own
 * bounds so a multipolygon only runs the exact test on parts near the point.
 */
function compilePolygons(polygons: readonly (readonly (readonly Position[])[])[]): CompiledShape {
  const parts = polygons.map((rings) => {
    const geometry = { type: 'Polygon' as const, coordinates: rings.map((ring) => ring.map(([lon, lat]) => [lon, lat])) };
    return { bbox: ringBounds(rings[0] ?? []), geometry };
  });
  return {
    bbox: unionBounds(parts.map((part) => part.bbox)),
    contains(lon, lat) {
      for (const part of parts) {
        if (bboxContains(part.bbox, lon, lat) && booleanPointInPolygon([lon, lat], part.geometry)) return true;
      }
      return false;
    },
  };
}

function compileCircle([centerLon, centerLat]: Position, radiusM: number): CompiledShape {
  return {
    bbox: circleBounds(centerLon, centerLat, radiusM),
    contains: (lon, lat) => haversineDistanceM(centerLon, centerLat, lon, lat) <= radiusM,
  };
}

/** Exact spherical bounds of a circle (a superset is all the prefilter needs). */
export function circleBounds(centerLon: number, centerLat: number, radiusM: number): BoundingBox {
  const angular = radiusM / EARTH_RADIUS_M;
  const dLat = angular / DEG;
  const minLat = Math.max(-90, centerLat - dLat);
  const maxLat = Math.min(90, centerLat + dLat);
  const sinRatio = Math.sin(angular) / Math.cos(centerLat * DEG);
  // A circle reaching a pole, or wrapping across the antimeridian, covers every longitude it can.
  if (sinRatio >= 1 || minLat === -90 || maxLat === 90) return { minLon: -180, minLat, maxLon: 180, maxLat };
  const dLon = Math.asin(sinRatio) / DEG;
  const margin = 1e-9;
  const minLon = centerLon - dLon - margin;
  const maxLon = centerLon + dLon + margin;
  if (minLon < -180 || maxLon > 180) return { minLon: -180, minLat, maxLon: 180, maxLat };
  return { minLon, minLat: minLat - margin, maxLon, maxLat: maxLat + margin };
}

function ringBounds(ring: readonly Position[]): BoundingBox {
  let minLon = Number.POSITIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const [lon, lat] of ring) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return { minLon, minLat, maxLon, maxLat };
}

function unionBounds(boxes: readonly BoundingBox[]): BoundingBox {
  return {
    minLon: Math.min(...boxes.map((box) => box.minLon)),
    minLat: Math.min(...boxes.map((box) => box.minLat)),
    maxLon: Math.max(...boxes.map((box) => box.maxLon)),
    maxLat: Math.max(...boxes.map((box) => box.maxLat)),
  };
}
