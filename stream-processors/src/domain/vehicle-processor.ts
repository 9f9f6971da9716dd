import type { TelemetryReading, Vehicle, VehicleEvent } from '@fleet/contracts';
import {
  type DetectorConfig,
  harshAccelerationThresholdFor,
  harshBrakingThresholdFor,
  overspeedMinDurationFor,
} from './detector-config';
import { detectGeofenceTransitions, type GeofenceState, initialGeofenceState } from './geofence';
import type { GeofenceIndex } from './geofence-index';
import { detectHarshDriving, type HarshDrivingState, initialHarshDrivingState } from './harsh-driving';
import { detectOverspeed, initialOverspeedState, type OverspeedState } from './overspeed';
import { applicableSpeedLimit } from './speed-limit';
import { NO_EVENTS } from './vehicle-event-factory';

/**
 * All detector state of one vehicle: plain JSON data, written to the changelog after processing
 * and restored on assignment. Treated as immutable: processing returns a new object (or the same
 * one when a reading was skipped), so a caller may keep the previous state until its write is acked.
 */
export interface VehicleState {
  /** ts of the newest reading that drove detection; null before the first. */
  lastTs: number | null;
  overspeed: OverspeedState;
  harshDriving: HarshDrivingState;
  geofences: GeofenceState;
}

export interface ProcessingContext {
  /** Registry record; undefined for a vehicle the registry does not know (global defaults apply). */
  vehicle: Vehicle | undefined;
  geofences: GeofenceIndex;
  config: DetectorConfig;
}

/** Why a reading did not drive detection (the caller still stores it, and counts this). */
export type SkipReason = 'LATE' | 'DUPLICATE';

export interface ProcessResult {
  state: VehicleState;
  events: readonly VehicleEvent[];
  skipped: SkipReason | null;
}

export function initialVehicleState(): VehicleState {
  return {
    lastTs: null,
    overspeed: initialOverspeedState(),
    harshDriving: initialHarshDrivingState(),
    geofences: initialGeofenceState(),
  };
}

/**
 * Runs every detector on one reading of one vehicle. Readings must arrive in the vehicle's own
 * order (Kafka key = vehicleId). A reading older than the newest processed one (LATE) or with the
 * same ts (DUPLICATE: a redelivery, or a device repeating itself) changes nothing: this is what
 * makes at-least-once replays produce no second event.
 */
export function processReading(state: VehicleState, reading: TelemetryReading, context: ProcessingContext): ProcessResult {
  if (state.lastTs !== null && reading.ts <= state.lastTs) {
    return { state, events: NO_EVENTS, skipped: reading.ts === state.lastTs ? 'DUPLICATE' : 'LATE' };
  }
  const { vehicle, geofences, config } = context;
  const containing = geofences.containing(reading.vehicleId, reading.lon, reading.lat);

  const overspeed = detectOverspeed(state.overspeed, reading, {
    limitKph: applicableSpeedLimit(containing, vehicle?.speedLimitKph, config.defaultSpeedLimitKph),
    minDurationMs: overspeedMinDurationFor(vehicle, config),
    hysteresisKph: config.overspeedHysteresisKph,
    gapTimeoutMs: config.overspeedGapTimeoutMs,
  });
  const harshDriving = detectHarshDriving(state.harshDriving, reading, {
    brakingThresholdMps2: harshBrakingThresholdFor(vehicle, config),
    accelerationThresholdMps2: harshAccelerationThresholdFor(vehicle, config),
    maxReadingGapMs: config.harshMaxReadingGapMs,
  });
  const geofence = detectGeofenceTransitions(state.geofences, reading, {
    index: geofences,
    confirmReadings: config.geofenceConfirmReadings,
    containing,
  });

  return {
    state: { lastTs: reading.ts, overspeed: overspeed.state, harshDriving: harshDriving.state, geofences: geofence.state },
    events: concatEvents(overspeed.events, harshDriving.events, geofence.events),
    skipped: null,
  };
}

/**
 * Events in a fixed order (overspeed, harsh driving, geofences), allocating only when two or more
 * detectors emitted (rare). Fixed arity on purpose: a rest parameter would allocate per reading.
 */
function concatEvents(
  overspeed: readonly VehicleEvent[],
  harshDriving: readonly VehicleEvent[],
  geofences: readonly VehicleEvent[],
): readonly VehicleEvent[] {
  if (harshDriving.length === 0 && geofences.length === 0) return overspeed;
  if (overspeed.length === 0 && geofences.length === 0) return harshDriving;
  if (overspeed.length === 0 && harshDriving.length === 0) return geofences;
  return [...overspeed, ...harshDriving, ...geofences];
}
