import type { Geofence, Owner, Vehicle } from '@fleet/contracts';
import { conflict, notFound, validationError } from '../api-error';
import type { Table } from '../adapters/table';
import type { TableWriter } from '../adapters/table-writer';
import { issueOwnerToken, newId } from '../adapters/tokens';
import { type Collection, mergePatch } from '../domain/registry-input';
import { serialQueue } from '../serial-queue';
import type { RegistryTables } from './registry-tables';
import { validateRecord } from './validate-record';

type RecordOf = { owners: Owner; vehicles: Vehicle; geofences: Geofence };

const NOUN: Record<Collection, string> = { owners: 'owner', vehicles: 'vehicle', geofences: 'geofence' };
const ID_PREFIX: Record<Collection, string> = { owners: 'own', vehicles: 'veh', geofences: 'gf' };

/**
 * Registry commands: validation, existence (404), conflicts and references (409 / 400), then a write
 * to the compacted topic. Commands run one at a time so a check and its write are not interleaved
 * with another command of this instance. (Two instances writing the same id at once: last write wins.)
 */
export class RegistryService {
  private readonly serial = serialQueue();

  constructor(
    private readonly tables: RegistryTables,
    private readonly writer: TableWriter,
    private readonly now: () => number = Date.now,
  ) {}

  private table<C extends Collection>(collection: C) {
    return this.tables[collection] as unknown as Table<RecordOf[C]>;
  }

  get<C extends Collection>(collection: C, id: string): RecordOf[C] {
    const record = this.table(collection).get(id);
    if (record === undefined) throw notFound(NOUN[collection], id);
    return record;
  }

  private checkReferences(collection: Collection, record: Owner | Vehicle | Geofence): void {
    if (collection === 'vehicles') {
      const { ownerId } = record as Vehicle;
      if (!this.tables.owners.has(ownerId)) {
        throw validationError([{ path: 'ownerId', message: `no owner with id "${ownerId}"; create the owner first` }]);
      }
    }
    if (collection === 'geofences') {
      const { vehicleIds } = record as Geofence;
      if (vehicleIds === 'all') return;
      const issues = vehicleIds.flatMap((vehicleId, index) =>
        this.tables.vehicles.has(vehicleId) ? [] : [{ path: `vehicleIds.${index}`, message: `no vehicle with id "${vehicleId}"` }],
      );
      if (issues.length > 0) throw validationError(issues);
    }
  }

  private async put(collection: Collection, record: Owner | Vehicle | Geofence): Promise<void> {
    this.checkReferences(collection, record);
    await this.writer.write(this.table(collection), [{ key: record.id, value: record }]);
  }

  /** Creates a record; an owner also gets a token, returned here once and stored only as a hash. */
  create<C extends Collection>(collection: C, body: unknown): Promise<{ record: RecordOf[C]; token?: string }> {
    return this.serial(async () => {
      const generated = typeof body === 'object' && body !== null && 'id' in body ? undefined : newId(ID_PREFIX[collection]);
      const record = validateRecord(collection, body, collection === 'vehicles' ? undefined : generated);
      if (this.table(collection).has(record.id)) throw conflict(`${NOUN[collection]} "${record.id}" already exists`);
      if (collection !== 'owners') {
        await this.put(collection, record);
        return { record };
      }
      // The token first: an owner is never visible without a way to authenticate.
      const token = await this.writeToken(record.id);
      await this.put(collection, record);
      return { record, token };
    });
  }

  replace<C extends Collection>(collection: C, id: string, body: unknown): Promise<RecordOf[C]> {
    return this.serial(async () => {
      this.get(collection, id);
      const record = validateRecord(collection, body, id);
      await this.put(collection, record);
      return record;
    });
  }

  /** JSON merge patch (null removes a field), validated as a whole. */
  patch<C extends Collection>(collection: C, id: string, body: unknown): Promise<RecordOf[C]> {
    return this.serial(async () => {
      const existing = this.get(collection, id);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw validationError([{ path: '', message: 'the body must be a JSON object (a merge patch)' }]);
      }
      const record = validateRecord(collection, mergePatch(existing, body), id);
      await this.put(collection, record);
      return record;
    });
  }

  delete(collection: Collection, id: string): Promise<void> {
    return this.serial(async () => {
      this.get(collection, id);
      if (collection === 'owners') {
        const vehicles = this.tables.vehiclesOf(id);
        if (vehicles.length > 0) throw conflict(`owner "${id}" still has vehicles: ${vehicles.join(', ')}; delete or reassign them first`);
      }
      if (collection === 'vehicles') {
        const fences = [...this.tables.geofences.values()].filter((g) => g.vehicleIds !== 'all' && g.vehicleIds.includes(id));
        if (fences.length > 0) {
          throw conflict(`vehicle "${id}" is assigned to geofences ${fences.map((g) => g.id).join(', ')}; remove it from them first`);
        }
      }
      await this.writer.write(this.table(collection), [{ key: id, value: null }]);
      if (collection === 'owners') await this.writer.write(this.tables.ownerTokens, [{ key: id, value: null }]);
    });
  }

  /** Issues a new token for an owner; the previous one stops working. */
  rotateToken(ownerId: string): Promise<string> {
    return this.serial(async () => {
      this.get('owners', ownerId);
      return this.writeToken(ownerId);
    });
  }

  private async writeToken(ownerId: string): Promise<string> {
    const { token, hash } = issueOwnerToken(ownerId);
    await this.writer.write(this.tables.ownerTokens, [
      { key: ownerId, value: { ownerId, tokenHash: hash, issuedAt: this.now() } },
    ]);
    return token;
  }
}
