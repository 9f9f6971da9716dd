import { describe, expect, it } from 'vitest';
import { compileGeofences } from '../../src/domain/geofence-index';
import { geofence, squareRing } from './reading-fixtures';

const depot = geofence({ id: 'depot', shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.01)] } });
const school = geofence({
  id: 'school',
  shape: { type: 'Circle', center: [13.002, 52.002], radiusM: 300 },
  speedLimitKph: 30,
  alertOnEnter: false,
  alertOnExit: false,
});
const v2Only = geofence({ id: 'v2-yard', vehicleIds: ['v2'], shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.02)] } });
const inert = geofence({ id: 'inert', alertOnEnter: false, alertOnExit: false, shape: { type: 'Circle', center: [13, 52], radiusM: 10_000 } });
const country = geofence({ id: 'country', shape: { type: 'Polygon', coordinates: [squareRing(10, 51, 5)] } });

describe('compileGeofences', () => {
  const index = compileGeofences([depot, school, v2Only, inert, country]);
  const ids = (fences: readonly { id: string }[]) => fences.map((f) => f.id).sort();

  it('finds the fences containing a point, only those assigned to the vehicle', () => {
    expect(ids(index.containing('v1', 13.002, 52.002))).toEqual(['country', 'depot', 'school']);
    expect(ids(index.containing('v2', 13.002, 52.002))).toEqual(['country', 'depot', 'school', 'v2-yard']);
    expect(ids(index.containing('v2', 13.015, 52))).toEqual(['country', 'v2-yard']);
    expect(ids(index.containing('v1', 20, 40))).toEqual([]);
  });

  it('leaves out fences that neither alert nor limit speed', () => {
    expect(index.get('inert')).toBeUndefined();
    expect(index.fences.map((f) => f.id)).toEqual(['depot', 'school', 'v2-yard', 'country']);
  });

  it('lists each vehicle’s alerting fences in registry order, as a stable array instance', () => {
    expect(index.alertingIdsFor('v1')).toEqual(['depot', 'country']);
    expect(index.alertingIdsFor('v2')).toEqual(['depot', 'v2-yard', 'country']);
    expect(index.alertingIdsFor('v1')).toBe(index.alertingIdsFor('v9'));
    expect(index.alertingIdsFor('v2')).toBe(index.alertingIdsFor('v2'));
  });

  it('alertingFenceFor checks existence, alerting and assignment', () => {
    expect(index.alertingFenceFor('depot', 'v1')?.name).toBe('Zone depot');
    expect(index.alertingFenceFor('school', 'v1')).toBeUndefined();
    expect(index.alertingFenceFor('v2-yard', 'v1')).toBeUndefined();
    expect(index.alertingFenceFor('gone', 'v1')).toBeUndefined();
  });

  it('gives the same answers whatever the grid layout (fine cells, or every fence un-gridded)', () => {
    const fine = compileGeofences([depot, school, v2Only, country], { cellSizeDeg: 0.001 });
    const flat = compileGeofences([depot, school, v2Only, country], { maxCellsPerFence: 0 });
    for (let lon = 12.97; lon <= 13.03; lon += 0.0013) {
      for (let lat = 51.97; lat <= 52.03; lat += 0.0017) {
        const expected = ids(index.containing('v2', lon, lat));
        expect(ids(fine.containing('v2', lon, lat))).toEqual(expected);
        expect(ids(flat.containing('v2', lon, lat))).toEqual(expected);
      }
    }
  });
});
