import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { anchorOf, createVehicleEvent, NO_EVENTS, type ReadingAnchor } from './vehicle-event-factory';

/**
 * Harsh braking / acceleration: one event per manoeuvre, carrying its peak.
 *
 * - Longitudinal acceleration of a reading: the device's `accelLongMps2` when present (the IMU is
 *   better than GPS speed differences), else Δspeed/Δt against the previous reading when
 *   0 < Δt ≤ maxReadingGapMs (km/h → m/s: /3.6). A derived value describes the interval ending at
 *   this reading, so its manoeuvre's onset is this reading.
 * - A manoeuvre is a run of consecutive readings harsh in the same direction (accel ≤ −braking
 *   threshold, or ≥ acceleration threshold; both inclusive), each ≤ maxReadingGapMs after the
 *   previous. It ends at the first reading that is not harsh in that direction, has no usable
 *   acceleration, or comes after a longer gap.
 * - The event is emitted when the manoeuvre ends, because only then is the peak known: one event
 *   with the true peak and an id from (vehicle, type, onset ts) that is the same on every replay.
 *   Cost: latency of one reading after the manoeuvre (≈1 s at 1 Hz). A manoeuvre still open when a
 *   vehicle goes silent (a crash, say) is reported with the next reading; emitting at onset instead
 *   would be immediate but could only carry the peak so far.
 * - The event describes the onset reading (ts, position, speed before braking, receivedAt);
 *   `accelMps2` is the signed peak (negative for braking), `durationMs` = onset → last harsh reading.
 */
export type HarshManoeuvreType = 'HARSH_BRAKING' | 'HARSH_ACCELERATION';

export interface HarshManoeuvre {
  type: HarshManoeuvreType;
  onset: ReadingAnchor;
  /** Signed: the most negative value while braking, the most positive while accelerating. */
  peakAccelMps2: number;
  lastHarshTs: number;
}

export interface HarshDrivingState {
  previousTs: number | null;
  previousSpeedKph: number | null;
  manoeuvre: HarshManoeuvre | null;
}

export interface HarshDrivingConfig {
  /** Deceleration magnitude, m/s² (positive). */
  brakingThresholdMps2: number;
  accelerationThresholdMps2: number;
  maxReadingGapMs: number;
}

export interface HarshDrivingResult {
  state: HarshDrivingState;
  events: readonly VehicleEvent[];
}

export function initialHarshDrivingState(): HarshDrivingState {
  return { previousTs: null, previousSpeedKph: null, manoeuvre: null };
}

/** Measured acceleration when present, else derived from the previous reading, else null. */
export function longitudinalAccelMps2(
  state: HarshDrivingState,
  reading: TelemetryReading,
  maxReadingGapMs: number,
): number | null {
  if (reading.accelLongMps2 !== null) return reading.accelLongMps2;
  if (state.previousTs === null || state.previousSpeedKph === null) return null;
  const dtMs = reading.ts - state.previousTs;
  if (dtMs <= 0 || dtMs > maxReadingGapMs) return null;
  const derived = (reading.speedKph - state.previousSpeedKph) / 3.6 / (dtMs / 1000);
  // Rounded to 1e-6 m/s² so km/h arithmetic (12.6 / 3.6 = 3.4999999999999996) cannot miss a threshold.
  return Math.round(derived * 1e6) / 1e6;
}

export function detectHarshDriving(
  state: HarshDrivingState,
  reading: TelemetryReading,
  config: HarshDrivingConfig,
): HarshDrivingResult {
  const accel = longitudinalAccelMps2(state, reading, config.maxReadingGapMs);
  const harshType = classify(accel, config);
  let manoeuvre = state.manoeuvre;
  let events: readonly VehicleEvent[] = NO_EVENTS;

  const afterGap = state.previousTs !== null && reading.ts - state.previousTs > config.maxReadingGapMs;
  if (manoeuvre !== null && (afterGap || harshType !== manoeuvre.type)) {
    events = [manoeuvreEvent(reading.vehicleId, manoeuvre)];
    manoeuvre = null;
  }

  if (harshType !== null && accel !== null) {
    if (manoeuvre === null) {
      manoeuvre = { type: harshType, onset: anchorOf(reading), peakAccelMps2: accel, lastHarshTs: reading.ts };
    } else {
      const peak = harshType === 'HARSH_BRAKING' ? Math.min(manoeuvre.peakAccelMps2, accel) : Math.max(manoeuvre.peakAccelMps2, accel);
      manoeuvre = { type: harshType, onset: manoeuvre.onset, peakAccelMps2: peak, lastHarshTs: reading.ts };
    }
  }

  return { state: { previousTs: reading.ts, previousSpeedKph: reading.speedKph, manoeuvre }, events };
}

function classify(accel: number | null, config: HarshDrivingConfig): HarshManoeuvreType | null {
  if (accel === null) return null;
  if (accel <= -config.brakingThresholdMps2) return 'HARSH_BRAKING';
  if (accel >= config.accelerationThresholdMps2) return 'HARSH_ACCELERATION';
  return null;
}

function manoeuvreEvent(vehicleId: string, manoeuvre: HarshManoeuvre): VehicleEvent {
  return createVehicleEvent(vehicleId, manoeuvre.type, manoeuvre.onset, {
    accelMps2: manoeuvre.peakAccelMps2,
    durationMs: manoeuvre.lastHarshTs - manoeuvre.onset.ts,
  });
}
