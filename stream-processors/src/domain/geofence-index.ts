import type { Geofence } from '@fleet/contracts';
import { type BoundingBox, bboxContains, compileShape } from './geometry';

/**
 * Geofences compiled for the hot path: shapes pre-built, bounds precomputed, a uniform grid from
 * cell → candidate fences, and each vehicle's list of alerting fence ids. Immutable: a registry
 * update compiles a new index (cheap for hundreds of fences) and swaps it in.
 */
export interface CompiledGeofence {
  readonly id: string;
  readonly name: string;
  /** Position in the registry list, for a deterministic event order. */
  readonly order: number;
  readonly speedLimitKph: number | null;
  readonly alertOnEnter: boolean;
  readonly alertOnExit: boolean;
  /** Whether exits/entries are tracked at all (a pure speed zone is not). */
  readonly alerting: boolean;
  /** null = assigned to every vehicle. */
  readonly vehicleIds: ReadonlySet<string> | null;
  readonly bbox: BoundingBox;
  contains(lon: number, lat: number): boolean;
}

export interface GeofenceIndexOptions {
  /** Grid cell size in degrees; ~1 km at mid latitudes suits city-sized fences. */
  cellSizeDeg?: number;
  /** Fences spanning more cells than this are checked on every lookup instead of being gridded. */
  maxCellsPerFence?: number;
}

const NO_FENCES: readonly CompiledGeofence[] = Object.freeze([]);
const NO_IDS: readonly string[] = Object.freeze([]);

export class GeofenceIndex {
  readonly fences: readonly CompiledGeofence[];
  private readonly byId = new Map<string, CompiledGeofence>();
  private readonly cells = new Map<number, CompiledGeofence[]>();
  private readonly unGridded: CompiledGeofence[] = [];
  private readonly cellSizeDeg: number;
  private readonly rows: number;
  /** Alerting fence ids for vehicles named in some fence's list; everyone else shares the default. */
  private readonly alertingIdsByVehicle = new Map<string, readonly string[]>();
  private readonly defaultAlertingIds: readonly string[];

  constructor(fences: readonly CompiledGeofence[], options: GeofenceIndexOptions = {}) {
    this.fences = fences;
    this.cellSizeDeg = options.cellSizeDeg ?? 0.01;
    this.rows = Math.ceil(180 / this.cellSizeDeg) + 1;
    const maxCells = options.maxCellsPerFence ?? 4096;
    for (const fence of fences) {
      this.byId.set(fence.id, fence);
      this.insertIntoGrid(fence, maxCells);
    }
    this.defaultAlertingIds = Object.freeze(fences.filter((f) => f.alerting && f.vehicleIds === null).map((f) => f.id));
    const namedVehicles = new Set(fences.flatMap((f) => (f.vehicleIds === null ? [] : [...f.vehicleIds])));
    for (const vehicleId of namedVehicles) {
      const ids = fences.filter((f) => f.alerting && appliesTo(f, vehicleId)).map((f) => f.id);
      this.alertingIdsByVehicle.set(vehicleId, Object.freeze(ids));
    }
  }

  get(id: string): CompiledGeofence | undefined {
    return this.byId.get(id);
  }

  /**
   * Ids of the alerting fences assigned to a vehicle, in registry order. The same array instance
   * is returned for as long as this index lives, so callers can detect "unchanged" by identity.
   */
  alertingIdsFor(vehicleId: string): readonly string[] {
    return this.alertingIdsByVehicle.get(vehicleId) ?? (this.defaultAlertingIds.length === 0 ? NO_IDS : this.defaultAlertingIds);
  }

  /** The fence, if it exists, alerts, and is assigned to the vehicle. */
  alertingFenceFor(id: string, vehicleId: string): CompiledGeofence | undefined {
    const fence = this.byId.get(id);
    return fence?.alerting === true && appliesTo(fence, vehicleId) ? fence : undefined;
  }

  /** Fences assigned to the vehicle that contain the point (order unspecified). */
  containing(vehicleId: string, lon: number, lat: number): readonly CompiledGeofence[] {
    let found: CompiledGeofence[] | null = null;
    const candidates = this.cells.get(this.cellKey(lon, lat));
    if (candidates !== undefined) found = collect(candidates, vehicleId, lon, lat, found);
    if (this.unGridded.length > 0) found = collect(this.unGridded, vehicleId, lon, lat, found);
    return found ?? NO_FENCES;
  }

  private cellKey(lon: number, lat: number): number {
    return Math.floor((lon + 180) / this.cellSizeDeg) * this.rows + Math.floor((lat + 90) / this.cellSizeDeg);
  }

  private insertIntoGrid(fence: CompiledGeofence, maxCells: number): void {
    const { minLon, minLat, maxLon, maxLat } = fence.bbox;
    const x0 = Math.floor((minLon + 180) / this.cellSizeDeg);
    const x1 = Math.floor((maxLon + 180) / this.cellSizeDeg);
    const y0 = Math.floor((minLat + 90) / this.cellSizeDeg);
    const y1 = Math.floor((maxLat + 90) / this.cellSizeDeg);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > maxCells) {
      this.unGridded.push(fence);
      return;
    }
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = x * this.rows + y;
        const cell = this.cells.get(key);
        if (cell === undefined) this.cells.set(key, [fence]);
        else cell.push(fence);
      }
    }
  }
}

function collect(
  candidates: readonly CompiledGeofence[],
  vehicleId: string,
  lon: number,
  lat: number,
  found: CompiledGeofence[] | null,
): CompiledGeofence[] | null {
  let result = found;
  for (const fence of candidates) {
    if (bboxContains(fence.bbox, lon, lat) && appliesTo(fence, vehicleId) && fence.contains(lon, lat)) {
      // A literal sizes the array for one fence; [] then push would allocate room for 17.
      if (result === null) result = [fence];
      else result.push(fence);
    }
  }
  return result;
}

function appliesTo(fence: CompiledGeofence, vehicleId: string): boolean {
  return fence.vehicleIds === null || fence.vehicleIds.has(vehicleId);
}

/**
 * Compiles registry geofences. Fences that neither alert nor limit speed cannot affect detection
 * and are left out, so lookups never pay for them.
 */
export function compileGeofences(geofences: readonly Geofence[], options?: GeofenceIndexOptions): GeofenceIndex {
  const compiled: CompiledGeofence[] = [];
  geofences.forEach((geofence, order) => {
    const alerting = geofence.alertOnEnter || geofence.alertOnExit;
    if (!alerting && geofence.speedLimitKph === undefined) return;
    const shape = compileShape(geofence.shape);
    compiled.push({
      id: geofence.id,
      name: geofence.name,
      order,
      speedLimitKph: geofence.speedLimitKph ?? null,
      alertOnEnter: geofence.alertOnEnter,
      alertOnExit: geofence.alertOnExit,
      alerting,
      vehicleIds: geofence.vehicleIds === 'all' ? null : new Set(geofence.vehicleIds),
      bbox: shape.bbox,
      contains: shape.contains,
    });
  });
  return new GeofenceIndex(compiled, options);
}
