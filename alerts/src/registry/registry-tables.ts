import { TOPICS, geofenceSchema, ownerSchema, vehicleSchema } from '@fleet/contracts';
import type { Logger } from '@fleet/runtime';
import { z } from 'zod';
import { Table } from '../adapters/table';
import type { TableRecord } from '../adapters/table-follower';

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
  ownerTokens: 'fleet.registry.owner-tokens',
};

export const ownerTokenSchema = z.object({
  ownerId: z.string(),
  /** SHA-256 hex of the token. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  issuedAt: z.number().int(),
});
export type OwnerTokenRecord = z.infer<typeof ownerTokenSchema>;

export class RegistryTables {
  readonly owners: Table<typeof ownerSchema>;
  readonly vehicles: Table<typeof vehicleSchema>;
  readonly geofences: Table<typeof geofenceSchema>;
  readonly ownerTokens: Table<typeof ownerTokenSchema>;
  private readonly byTopic: Map<string, { apply: (record: TableRecord) => void }>;

  constructor(
    readonly topics: RegistryTopics,
    log: Logger,
  ) {
    this.owners = new Table(topics.owners, ownerSchema, log);
    this.vehicles = new Table(topics.vehicles, vehicleSchema, log);
    this.geofences = new Table(topics.geofences, geofenceSchema, log);
    this.ownerTokens = new Table(topics.ownerTokens, ownerTokenSchema, log);
    this.byTopic = new Map<string, { apply: (record: TableRecord) => void }>([
      [topics.owners, this.owners],
      [topics.vehicles, this.vehicles],
      [topics.geofences, this.geofences],
      [topics.ownerTokens, this.ownerTokens],
    ]);
  }

  topicList(): string[] {
    return [...this.byTopic.keys()];
  }

  /** Applies a record if it belongs to a registry topic; returns whether it did. */
  apply(record: TableRecord): boolean {
    const table = this.byTopic.get(record.topic);
    table?.apply(record);
    return table !== undefined;
  }

  vehiclesOf(ownerId: string): string[] {
    const ids: string[] = [];
    for (const vehicle of this.vehicles.values()) if (vehicle.ownerId === ownerId) ids.push(vehicle.id);
    return ids;
  }
}
