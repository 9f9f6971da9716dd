import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTOR_CONFIG,
  detectorConfigSchema,
  harshAccelerationThresholdFor,
  harshBrakingThresholdFor,
  overspeedMinDurationFor,
} from '../../src/domain/detector-config';

describe('detectorConfigSchema', () => {
  it('defaults to the DESIGN.md values', () => {
    expect(DEFAULT_DETECTOR_CONFIG).toEqual({
      defaultSpeedLimitKph: 120,
      overspeedMinDurationMs: 5000,
      overspeedHysteresisKph: 2,
      overspeedGapTimeoutMs: 60_000,
      harshBrakingMps2: 3.5,
      harshAccelerationMps2: 3.0,
      harshMaxReadingGapMs: 3000,
      geofenceConfirmReadings: 2,
    });
  });

  it('accepts partial overrides and rejects nonsense', () => {
    expect(detectorConfigSchema.parse({ defaultSpeedLimitKph: 100 }).defaultSpeedLimitKph).toBe(100);
    expect(detectorConfigSchema.safeParse({ harshBrakingMps2: -1 }).success).toBe(false);
    expect(detectorConfigSchema.safeParse({ geofenceConfirmReadings: 0 }).success).toBe(false);
    expect(detectorConfigSchema.safeParse({ overspeedMinDurationMs: 1.5 }).success).toBe(false);
  });
});

describe('per-vehicle thresholds', () => {
  const vehicle = {
    id: 'v1',
    ownerId: 'o1',
    name: 'Van',
    thresholds: { overspeedMinDurationMs: 2000, harshBrakingMps2: 2.5, harshAccelerationMps2: 4 },
  };
  it('override the global values when set', () => {
    expect(overspeedMinDurationFor(vehicle, DEFAULT_DETECTOR_CONFIG)).toBe(2000);
    expect(harshBrakingThresholdFor(vehicle, DEFAULT_DETECTOR_CONFIG)).toBe(2.5);
    expect(harshAccelerationThresholdFor(vehicle, DEFAULT_DETECTOR_CONFIG)).toBe(4);
  });
  it('fall back to the global values otherwise', () => {
    const plain = { id: 'v2', ownerId: 'o1', name: 'Car', thresholds: {} };
    expect(overspeedMinDurationFor(plain, DEFAULT_DETECTOR_CONFIG)).toBe(5000);
    expect(harshBrakingThresholdFor(undefined, DEFAULT_DETECTOR_CONFIG)).toBe(3.5);
    expect(harshAccelerationThresholdFor(undefined, DEFAULT_DETECTOR_CONFIG)).toBe(3);
  });
});
