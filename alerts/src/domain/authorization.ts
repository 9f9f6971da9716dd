import type { Geofence, Vehicle } from '@fleet/contracts';

/** Who is calling: the operator (admin token) or one owner (that owner's token). */
export type Principal = { kind: 'admin' } | { kind: 'owner'; ownerId: string };

/** The outcome of an authorization check: allowed, or the HTTP-independent reason it is not. */
export type Access = 'allow' | 'forbidden';

const allowIf = (condition: boolean): Access => (condition ? 'allow' : 'forbidden');

/** Creating, changing and deleting registry records is for the admin only. */
export function canManageRegistry(principal: Principal): Access {
  return allowIf(principal.kind === 'admin');
}

export function canReadOwner(principal: Principal, ownerId: string): Access {
  return allowIf(principal.kind === 'admin' || principal.ownerId === ownerId);
}

export function canReadVehicle(principal: Principal, vehicle: Pick<Vehicle, 'ownerId'>): Access {
  return allowIf(principal.kind === 'admin' || principal.ownerId === vehicle.ownerId);
}

/**
 * An owner sees a geofence that applies to all vehicles or to at least one of their vehicles
 * (it shapes their alerts); the vehicle list is cut to their own vehicles by {@link geofenceViewFor}.
 */
export function canReadGeofence(
  principal: Principal,
  geofence: Pick<Geofence, 'vehicleIds'>,
  ownVehicleIds: ReadonlySet<string>,
): Access {
  if (principal.kind === 'admin' || geofence.vehicleIds === 'all') return 'allow';
  return allowIf(geofence.vehicleIds.some((id) => ownVehicleIds.has(id)));
}

/** What an owner may see of a geofence: other owners' vehicle ids are not theirs to know. */
export function geofenceViewFor<G extends Pick<Geofence, 'vehicleIds'>>(
  principal: Principal,
  geofence: G,
  ownVehicleIds: ReadonlySet<string>,
): G {
  if (principal.kind === 'admin' || geofence.vehicleIds === 'all') return geofence;
  return { ...geofence, vehicleIds: geofence.vehicleIds.filter((id) => ownVehicleIds.has(id)) };
}

/** Alert history: an owner sees the alerts raised while the vehicle was theirs. */
export function canReadAlert(principal: Principal, alert: { ownerId: string | null }): Access {
  return allowIf(principal.kind === 'admin' || (alert.ownerId !== null && alert.ownerId === principal.ownerId));
}
