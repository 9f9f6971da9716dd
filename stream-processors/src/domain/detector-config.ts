import type { Vehicle } from '@fleet/contracts';
import { z } from 'zod';

/**
 * Global detector thresholds (DESIGN.md "Events"). Per-vehicle `thresholds` and per-geofence speed
 * limits override them; the service's config embeds this schema so a typo fails at start-up.
 */
export const detectorConfigSchema = z.object({
  /** Speed limit when no containing geofence and the vehicle itself set none. */
  defaultSpeedLimitKph: z.number().gt(0).max(400).default(120),
  /** An overspeed episode must last this long (event time) before OVERSPEED is emitted. */
  overspeedMinDurationMs: z.number().int().min(0).max(600_000).default(5_000),
  /** The episode ends only once speed ≤ limit − this, so hovering at the limit does not flap. */
  overspeedHysteresisKph: z.number().min(0).max(50).default(2),
  /** No reading for longer than this ends an open episode (at its last reading). */
  overspeedGapTimeoutMs: z.number().int().positive().max(3_600_000).default(60_000),
  /** Deceleration magnitude (m/s²) that counts as harsh braking. */
  harshBrakingMps2: z.number().gt(0).max(30).default(3.5),
  /** Acceleration (m/s²) that counts as harsh acceleration. */
  harshAccelerationMps2: z.number().gt(0).max(30).default(3.0),
  /**
   * Largest gap between consecutive readings from which Δspeed/Δt is trusted; a longer gap also
   * ends an open manoeuvre (we do not know what happened in between).
   */
  harshMaxReadingGapMs: z.number().int().positive().max(60_000).default(3_000),
  /** Consecutive readings on the new side of a geofence boundary needed to confirm a crossing. */
  geofenceConfirmReadings: z.number().int().min(1).max(20).default(2),
});

export type DetectorConfig = z.output<typeof detectorConfigSchema>;

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = Object.freeze(detectorConfigSchema.parse({}));

/** Per-vehicle overrides resolved against the global configuration. */
export function overspeedMinDurationFor(vehicle: Vehicle | undefined, config: DetectorConfig): number {
  return vehicle?.thresholds?.overspeedMinDurationMs ?? config.overspeedMinDurationMs;
}

export function harshBrakingThresholdFor(vehicle: Vehicle | undefined, config: DetectorConfig): number {
  return vehicle?.thresholds?.harshBrakingMps2 ?? config.harshBrakingMps2;
}

export function harshAccelerationThresholdFor(vehicle: Vehicle | undefined, config: DetectorConfig): number {
  return vehicle?.thresholds?.harshAccelerationMps2 ?? config.harshAccelerationMps2;
}
