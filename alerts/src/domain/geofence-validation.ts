import type { GeofenceShape, Position } from '@fleet/contracts';
import { polygon } from '@turf/helpers';
import { kinks } from '@turf/kinks';

/** A validation problem with the path of the offending value (as in zod issues). */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

type Ring = Position[];

function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Repeated consecutive positions are legal GeoJSON but would show up as zero-length "kinks". */
function withoutRepeats(ring: Ring): Ring {
  return ring.filter((position, index) => index === 0 || !samePosition(position, ring[index - 1] as Position));
}

/** Twice the signed area (shoelace); 0 for a degenerate ring whose corners are all on one line. */
function doubledArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[i + 1] as Position;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

function formatPosition([lon, lat]: number[]): string {
  return `[${Number(lon?.toFixed(6))}, ${Number(lat?.toFixed(6))}]`;
}

function polygonIssues(rings: Ring[], path: (string | number)[]): FieldIssue[] {
  const cleaned = rings.map(withoutRepeats);
  const tooShort = cleaned.flatMap((ring, index) =>
    ring.length < 4 ? [{ path: [...path, index], message: 'a ring needs at least 3 distinct corners' }] : [],
  );
  if (tooShort.length > 0) return tooShort;
  const crossings = [
    ...new Set(kinks(polygon(cleaned)).features.map((point) => formatPosition(point.geometry.coordinates))),
  ];
  if (crossings.length > 0) {
    const listed = crossings.slice(0, 5).join(', ') + (crossings.length > 5 ? ` and ${crossings.length - 5} more` : '');
    return [
      {
        path,
        message: `the polygon intersects itself at ${listed} (edges must not cross; holes must not cross the outer ring)`,
      },
    ];
  }
  // Checked after the crossings: a bow-tie also has zero net area, but "intersects itself" is the better message.
  return cleaned.flatMap((ring, index) =>
    doubledArea(ring) === 0
      ? [{ path: [...path, index], message: 'the ring has no area (all corners lie on one line)' }]
      : [],
  );
}

/**
 * Geometry checks the contract schema cannot express: self-intersection (bow-tie polygons, holes
 * crossing the outer ring) and degenerate rings. Takes a shape that already passed the schema.
 */
export function geofenceShapeIssues(shape: GeofenceShape): FieldIssue[] {
  switch (shape.type) {
    case 'Polygon':
      return polygonIssues(shape.coordinates, ['shape', 'coordinates']);
    case 'MultiPolygon':
      return shape.coordinates.flatMap((rings, index) => polygonIssues(rings, ['shape', 'coordinates', index]));
    case 'Circle':
      return [];
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Rewrites out-of-range coordinate messages so a user who wrote [lat, lon] instead of GeoJSON's
 * [lon, lat] learns why: "latitude 120 is outside [-90, 90]; GeoJSON positions are [longitude,
 * latitude] — are the two swapped?". Other issues pass through unchanged.
 */
export function explainCoordinateIssue(input: unknown, issue: FieldIssue & { code?: string }): FieldIssue {
  const { path } = issue;
  const axis = path[path.length - 1];
  const inPosition = path.includes('coordinates') || path.includes('center');
  if (!inPosition || (axis !== 0 && axis !== 1) || (issue.code !== 'too_big' && issue.code !== 'too_small')) return issue;
  const value = valueAt(input, path);
  if (typeof value !== 'number') return issue; // e.g. a ring that is too short, not a coordinate
  const position = valueAt(input, path.slice(0, -1));
  const name = axis === 0 ? 'longitude' : 'latitude';
  const range = axis === 0 ? '[-180, 180]' : '[-90, 90]';
  const pair = Array.isArray(position) ? ` in position ${JSON.stringify(position)}` : '';
  return {
    path,
    message:
      `${name} ${String(value)}${pair} is outside ${range}; GeoJSON positions are [longitude, latitude]` +
      `${axis === 1 ? ' — are latitude and longitude swapped?' : ''}`,
  };
}
