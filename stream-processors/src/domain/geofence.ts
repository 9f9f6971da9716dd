import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import type { CompiledGeofence, GeofenceIndex } from './geofence-index';
import { createVehicleEvent, NO_EVENTS } from './vehicle-event-factory';

/**
 * Geofence exit/enter with N-reading confirmation, per (vehicle, alerting geofence).
 *
 * - A crossing is confirmed by `confirmReadings` consecutive readings on the new side (default 2);
 *   one reading back on the old side cancels it, so GPS jitter along a boundary never flaps.
 * - The event is dated and placed at the confirming reading (the 2nd on the new side): that is
 *   when the crossing became a fact, and it matches the contract's "reading that confirmed it".
 * - A fence the vehicle has no history with (its first reading, or a fence newly assigned/created
 *   in the registry) only records the side the vehicle is on: no event, wherever it starts.
 * - A fence removed from the registry (or no longer assigned/alerting) drops its state silently.
 *
 * State is kept small because it is written to the changelog: only fences the vehicle is inside
 * of, or has a pending crossing for, are tracked; "known and outside" is implied by
 * `knownFenceIds` (the vehicle's alerting fences at its previous reading) minus `tracked`.
 * `tracked` is a short array, not a record keyed by id: deleting keys would push V8 objects into
 * slow dictionary mode on the hot path, and an array keeps its order through JSON.
 */
export interface GeofenceTrack {
  geofenceId: string;
  /** Confirmed side. */
  inside: boolean;
  /** Consecutive readings seen on the other side so far. */
  pending: number;
}

export interface GeofenceState {
  /** Alerting fence ids assigned to the vehicle at its previous reading (shared with the index). */
  knownFenceIds: readonly string[];
  /** Fences the vehicle is confirmed inside of, or has a pending crossing for. */
  tracked: readonly GeofenceTrack[];
}

export interface GeofenceConfig {
  index: GeofenceIndex;
  confirmReadings: number;
  /** Containment already computed for this reading (the vehicle processor shares it with speed limits). */
  containing?: readonly CompiledGeofence[];
}

export interface GeofenceResult {
  state: GeofenceState;
  events: readonly VehicleEvent[];
}

const NOTHING_TRACKED: readonly GeofenceTrack[] = Object.freeze([]);
const INITIAL_STATE: GeofenceState = Object.freeze({ knownFenceIds: Object.freeze([]), tracked: NOTHING_TRACKED });
/**
 * One shared state per fence list for vehicles that track nothing (most of them, most of the
 * time): thousands of vehicles then point at one cache-hot object instead of one cold object each.
 */
const idleStates = new WeakMap<readonly string[], GeofenceState>();

function idleState(assignedIds: readonly string[]): GeofenceState {
  let state = idleStates.get(assignedIds);
  if (state === undefined) {
    state = Object.freeze({ knownFenceIds: assignedIds, tracked: NOTHING_TRACKED });
    idleStates.set(assignedIds, state);
  }
  return state;
}

export function initialGeofenceState(): GeofenceState {
  return INITIAL_STATE;
}

export function detectGeofenceTransitions(
  state: GeofenceState,
  reading: TelemetryReading,
  config: GeofenceConfig,
): GeofenceResult {
  const { index } = config;
  const vehicleId = reading.vehicleId;
  const assignedIds = index.alertingIdsFor(vehicleId);
  const containing = config.containing ?? index.containing(vehicleId, reading.lon, reading.lat);
  // Hot path, without allocating: registry unchanged, and the vehicle is settled inside exactly
  // the alerting fences that contain it (usually none).
  if (state.knownFenceIds === assignedIds && isSettled(state.tracked, containing)) return { state, events: NO_EVENTS };

  const transitions = new TransitionBuilder(reading, config.confirmReadings);
  let changed = state.knownFenceIds !== assignedIds;
  for (const track of state.tracked) {
    const fence = index.alertingFenceFor(track.geofenceId, vehicleId);
    const next = fence === undefined ? null : transitions.observe(fence, track, containing.includes(fence));
    if (next !== null) transitions.keep(next);
    if (next !== track) changed = true;
  }
  for (const fence of containing) {
    if (!fence.alerting || isTracked(state.tracked, fence.id)) continue;
    // A fence the vehicle has no history with only records the side (inside) it is on.
    const next = isNewFence(state.knownFenceIds, assignedIds, fence.id)
      ? { geofenceId: fence.id, inside: true, pending: 0 }
      : transitions.observe(fence, { geofenceId: fence.id, inside: false, pending: 0 }, true);
    if (next !== null) {
      transitions.keep(next);
      changed = true;
    }
  }
  if (!changed) return { state, events: NO_EVENTS };
  const tracked = transitions.tracked;
  return {
    state: tracked.length === 0 ? idleState(assignedIds) : { knownFenceIds: assignedIds, tracked },
    events: transitions.events(),
  };
}

/**
 * Collects one reading's tracks and events. A class rather than closures: tsx (esbuild keepNames)
 * wraps every named closure in a defineProperty call, which is measurable per reading.
 */
class TransitionBuilder {
  readonly tracked: GeofenceTrack[] = [];
  private emitted: { order: number; event: VehicleEvent }[] | null = null;

  constructor(
    private readonly reading: TelemetryReading,
    private readonly confirmReadings: number,
  ) {}

  keep(track: GeofenceTrack): void {
    this.tracked.push(track);
  }

  /** The track after this observation: the same object if unchanged, null once settled outside. */
  observe(fence: CompiledGeofence, track: GeofenceTrack, observedInside: boolean): GeofenceTrack | null {
    if (track.inside === observedInside) {
      if (track.pending === 0) return track;
      return observedInside ? { geofenceId: fence.id, inside: true, pending: 0 } : null;
    }
    const pending = track.pending + 1;
    if (pending < this.confirmReadings) return { geofenceId: fence.id, inside: track.inside, pending };
    if (observedInside ? fence.alertOnEnter : fence.alertOnExit) {
      const type = observedInside ? 'GEOFENCE_ENTER' : 'GEOFENCE_EXIT';
      const evidence = { geofenceId: fence.id, geofenceName: fence.name };
      this.emitted ??= [];
      this.emitted.push({ order: fence.order, event: createVehicleEvent(this.reading.vehicleId, type, this.reading, evidence, fence.id) });
    }
    return observedInside ? { geofenceId: fence.id, inside: true, pending: 0 } : null;
  }

  /** Events of this reading in registry order, so the output never depends on state history. */
  events(): readonly VehicleEvent[] {
    if (this.emitted === null) return NO_EVENTS;
    return this.emitted.sort((a, b) => a.order - b.order).map((entry) => entry.event);
  }
}

/**
 * Whether the vehicle has no history with this fence. The common case (index unchanged since the
 * previous reading) is an identity check; after a registry update or a restore from JSON it is a
 * scan, once per vehicle (the next state adopts the index's array).
 */
function isNewFence(knownIds: readonly string[], assignedIds: readonly string[], id: string): boolean {
  return knownIds !== assignedIds && !knownIds.includes(id);
}

function isTracked(tracked: readonly GeofenceTrack[], geofenceId: string): boolean {
  for (const track of tracked) if (track.geofenceId === geofenceId) return true;
  return false;
}

/** True when this observation changes nothing: every track settled inside a containing fence, no other alerting fence contains the point. */
function isSettled(tracked: readonly GeofenceTrack[], containing: readonly CompiledGeofence[]): boolean {
  let alertingContaining = 0;
  for (const fence of containing) if (fence.alerting) alertingContaining++;
  if (alertingContaining !== tracked.length) return false;
  for (const track of tracked) {
    if (!track.inside || track.pending !== 0 || !containsAlerting(containing, track.geofenceId)) return false;
  }
  return true;
}

function containsAlerting(fences: readonly CompiledGeofence[], geofenceId: string): boolean {
  for (const fence of fences) if (fence.alerting && fence.id === geofenceId) return true;
  return false;
}
