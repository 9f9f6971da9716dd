import { describe, expect, it } from 'vitest';
import { canManageRegistry, canReadAlert, canReadGeofence, canReadVehicle, geofenceViewFor, type Principal } from '../../src/domain/authorization';

const admin: Principal = { kind: 'admin' };
const alice: Principal = { kind: 'owner', ownerId: 'alice' };
const own = new Set(['a1']);

describe('authorization', () => {
  it('only the admin manages the registry', () => {
    expect(canManageRegistry(admin)).toBe('allow');
    expect(canManageRegistry(alice)).toBe('forbidden');
  });

  it('owners read their own vehicles and alerts', () => {
    expect(canReadVehicle(alice, { ownerId: 'alice' })).toBe('allow');
    expect(canReadVehicle(alice, { ownerId: 'bob' })).toBe('forbidden');
    expect(canReadAlert(alice, { ownerId: 'alice' })).toBe('allow');
    expect(canReadAlert(alice, { ownerId: null })).toBe('forbidden');
    expect(canReadAlert(admin, { ownerId: null })).toBe('allow');
  });

  it('owners read geofences that apply to their vehicles, without other owners’ vehicle ids', () => {
    expect(canReadGeofence(alice, { vehicleIds: 'all' }, own)).toBe('allow');
    expect(canReadGeofence(alice, { vehicleIds: ['b1'] }, own)).toBe('forbidden');
    expect(canReadGeofence(alice, { vehicleIds: ['a1', 'b1'] }, own)).toBe('allow');
    expect(geofenceViewFor(alice, { vehicleIds: ['a1', 'b1'] }, own).vehicleIds).toEqual(['a1']);
    expect(geofenceViewFor(admin, { vehicleIds: ['a1', 'b1'] }, own).vehicleIds).toEqual(['a1', 'b1']);
  });
});
