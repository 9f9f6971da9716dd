import { geofenceSchema } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { explainCoordinateIssue, geofenceShapeIssues } from '../../src/domain/geofence-validation';

const square = [[[13.0, 52.0], [13.1, 52.0], [13.1, 52.1], [13.0, 52.1], [13.0, 52.0]]];

describe('geofenceShapeIssues', () => {
  it('accepts a simple polygon, a polygon with a hole, a multipolygon and a circle', () => {
    const hole = [[13.02, 52.02], [13.05, 52.02], [13.05, 52.05], [13.02, 52.02]];
    expect(geofenceShapeIssues({ type: 'Polygon', coordinates: square as never })).toEqual([]);
    expect(geofenceShapeIssues({ type: 'Polygon', coordinates: [...square, hole] as never })).toEqual([]);
    expect(geofenceShapeIssues({ type: 'MultiPolygon', coordinates: [square, square] as never })).toEqual([]);
    expect(geofenceShapeIssues({ type: 'Circle', center: [13, 52], radiusM: 500 })).toEqual([]);
  });

  it('rejects a bow-tie and names where it crosses', () => {
    const bowTie = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]];
    const [issue] = geofenceShapeIssues({ type: 'Polygon', coordinates: bowTie as never });
    expect(issue?.path).toEqual(['shape', 'coordinates']);
    expect(issue?.message).toContain('intersects itself at [0.5, 0.5]');
  });

  it('rejects a hole crossing the outer ring, inside a multipolygon with its index', () => {
    const crossing = [[1, 1], [5, 1], [5, 2], [1, 2], [1, 1]];
    const outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
    const issues = geofenceShapeIssues({ type: 'MultiPolygon', coordinates: [square, [outer, crossing]] as never });
    expect(issues.map((i) => i.path)).toEqual([['shape', 'coordinates', 1]]);
  });

  it('tolerates repeated positions but rejects rings without area', () => {
    const repeated = [[[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]];
    expect(geofenceShapeIssues({ type: 'Polygon', coordinates: repeated as never })).toEqual([]);
    const flat = [[[0, 0], [1, 0], [2, 0], [0, 0]]];
    expect(geofenceShapeIssues({ type: 'Polygon', coordinates: flat as never })[0]?.message).toContain('no area');
  });
});

describe('explainCoordinateIssue', () => {
  it('says latitude and longitude look swapped when a latitude is out of range', () => {
    const input = { shape: { type: 'Polygon', coordinates: [[[52.5, 13.4], [52.6, 130.4], [52.6, 13.5], [52.5, 13.4]]] } };
    const parsed = geofenceSchema.safeParse({ id: 'g', name: 'g', ...input });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    const explained = explainCoordinateIssue(input, { path: issue?.path as (string | number)[], message: issue?.message ?? '', code: issue?.code });
    expect(explained.path).toEqual(['shape', 'coordinates', 0, 1, 1]);
    expect(explained.message).toBe(
      'latitude 130.4 in position [52.6,130.4] is outside [-90, 90]; GeoJSON positions are [longitude, latitude] — are latitude and longitude swapped?',
    );
  });

  it('leaves other issues alone', () => {
    const issue = { path: ['name'], message: 'Too small', code: 'too_small' };
    expect(explainCoordinateIssue({}, issue)).toBe(issue);
  });
});
