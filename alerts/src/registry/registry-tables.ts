import { type Geofence, geofenceSchema, type Owner, ownerSchema, TOPICS, type Vehicle, vehicleSchema } from '@fleet/contracts';
import { z } from 'zod';
import type { Table } from '../adapters/table';

/** Topic names of the registry (configurable so tests and side-by-side deployments do not collide). */
export interface RegistryTopics {
  owners: string;
  vehicles: string;
  geofences: string;
  /** Owner token hashes: kept apart from the owner records the stream processors read. */
  ownerTokens: string;
}

export const DEFAULT_REGISTRY_TOPICS: RegistryTopics = {
  owners: TOPICS.registryOwners,
  vehicles: TOPICS.registryVehicles,
  geofences: TOPICS.registryGeofences,
  ownerTokens: TOPICS.registryOwnerTokens,
};

export const ownerTokenSchema = z.object({
  ownerId: z.string(),
  /** SHA-256 hex of the token. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  issuedAt: z.number().int(),
});
export type OwnerTokenRecord = z.infer<typeof ownerTokenSchema>;

/** The registry's tables as specs for startTables (record schemas by topic). */
export function registryTableSpecs(topics: RegistryTopics) {
  return {
    owners: { topic: topics.owners, schema: ownerSchema },
    vehicles: { topic: topics.vehicles, schema: vehicleSchema },
    geofences: { topic: topics.geofences, schema: geofenceSchema },
    ownerTokens: { topic: topics.ownerTokens, schema: ownerTokenSchema },
  };
}

export class RegistryTables {
  readonly owners: Table<Owner>;
  readonly vehicles: Table<Vehicle>;
  readonly geofences: Table<Geofence>;
  readonly ownerTokens: Table<OwnerTokenRecord>;

  constructor(tables: Pick<RegistryTables, 'owners' | 'vehicles' | 'geofences' | 'ownerTokens'>) {
    this.owners = tables.owners;
    this.vehicles = tables.vehicles;
    this.geofences = tables.geofences;
    this.ownerTokens = tables.ownerTokens;
  }

  vehiclesOf(ownerId: string): string[] {
    const ids: string[] = [];
    for (const vehicle of this.vehicles.values()) if (vehicle.ownerId === ownerId) ids.push(vehicle.id);
    return ids;
  }
}
