import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  detectHarshDriving,
  type HarshDrivingConfig,
  type HarshDrivingState,
  initialHarshDrivingState,
  longitudinalAccelMps2,
} from '../../src/domain/harsh-driving';
import { reading } from './reading-fixtures';

const config: HarshDrivingConfig = { brakingThresholdMps2: 3.5, accelerationThresholdMps2: 3.0, maxReadingGapMs: 3000 };

function run(readings: readonly TelemetryReading[], overrides: Partial<HarshDrivingConfig> = {}) {
  let state: HarshDrivingState = initialHarshDrivingState();
  const events: VehicleEvent[] = [];
  for (const r of readings) {
    const result = detectHarshDriving(state, r, { ...config, ...overrides });
    state = result.state;
    events.push(...result.events);
  }
  return { state, events, summary: events.map((e) => [e.type, e.ts, e.accelMps2] as const) };
}

/** Readings 1 s apart with only the device's accelerometer value varying. */
function measured(accels: readonly (number | null)[], stepMs = 1000): TelemetryReading[] {
  return accels.map((accelLongMps2, i) => reading({ ts: i * stepMs, speedKph: 50, accelLongMps2 }));
}

/** Readings with speeds only (accel derived), `stepMs` apart. */
function derived(speeds: readonly number[], stepMs = 1000): TelemetryReading[] {
  return speeds.map((speedKph, i) => reading({ ts: i * stepMs, speedKph }));
}

describe('detectHarshDriving', () => {
  it.each([
    { name: 'below both thresholds: nothing', accels: [-3.4, 2.9, 0, -3.49, 2.99, 0], expected: [] },
    { name: 'exactly −3.5 is harsh braking', accels: [0, -3.5, 0], expected: [['HARSH_BRAKING', 1000, -3.5]] },
    { name: 'exactly +3.0 is harsh acceleration', accels: [0, 3.0, 0], expected: [['HARSH_ACCELERATION', 1000, 3]] },
    {
      name: 'a long brake across 5 readings is one event with its peak, dated at onset',
      accels: [0, -4, -5.5, -7.2, -6, -3.6, -1],
      expected: [['HARSH_BRAKING', 1000, -7.2]],
    },
    {
      name: 'two brakes separated by a calm reading are two events',
      accels: [-4, 0, -5, 0],
      expected: [
        ['HARSH_BRAKING', 0, -4],
        ['HARSH_BRAKING', 2000, -5],
      ],
    },
    {
      name: 'braking straight into harsh acceleration closes the brake and opens a new manoeuvre',
      accels: [-5, 4, 3.5, 0],
      expected: [
        ['HARSH_BRAKING', 0, -5],
        ['HARSH_ACCELERATION', 1000, 4],
      ],
    },
    { name: 'an open manoeuvre is not emitted before it ends', accels: [0, -6, -6], expected: [] },
  ])('measured: $name', ({ accels, expected }) => {
    expect(run(measured(accels)).summary).toEqual(expected);
  });

  it('the event describes the onset reading and the manoeuvre duration', () => {
    const readings = [
      reading({ ts: 0, speedKph: 80, accelLongMps2: -1, lat: 1, lon: 2 }),
      reading({ ts: 1000, speedKph: 78, accelLongMps2: -4, lat: 1.1, lon: 2.1 }),
      reading({ ts: 2000, speedKph: 60, accelLongMps2: -8, lat: 1.2, lon: 2.2 }),
      reading({ ts: 3000, speedKph: 40, accelLongMps2: -5, lat: 1.3, lon: 2.3 }),
      reading({ ts: 4000, speedKph: 30, accelLongMps2: -2, lat: 1.4, lon: 2.4 }),
    ];
    expect(run(readings).events).toEqual([
      expect.objectContaining({
        type: 'HARSH_BRAKING',
        ts: 1000,
        lat: 1.1,
        lon: 2.1,
        speedKph: 78,
        receivedAt: 1250,
        accelMps2: -8,
        durationMs: 2000,
        limitKph: null,
        geofenceId: null,
      }),
    ]);
  });

  it('derives acceleration from Δspeed/Δt (km/h → m/s) when the device sends none', () => {
    // 50 → 37.4 km/h in 1 s = −3.5 m/s² exactly (after rounding away float noise): harsh.
    expect(run(derived([50, 37.4, 37.4])).summary).toEqual([['HARSH_BRAKING', 1000, -3.5]]);
    // 50 → 37.5 km/h in 1 s = −3.47 m/s²: not harsh.
    expect(run(derived([50, 37.5, 37.5])).events).toEqual([]);
    // 0 → 22 km/h in 2 s = +3.06 m/s²: harsh acceleration.
    expect(run(derived([0, 22, 22], 2000)).summary).toEqual([['HARSH_ACCELERATION', 2000, 3.055556]]);
  });

  it('a long derived brake across 5 readings is one event with the peak', () => {
    const { summary } = run(derived([100, 85, 65, 45, 30, 17, 15]));
    expect(summary).toEqual([['HARSH_BRAKING', 1000, -5.555556]]);
  });

  it('sparse readings (Δt > 3 s) give no derived acceleration: no braking event', () => {
    expect(run(derived([100, 40, 0], 3001)).events).toEqual([]);
    // Δt = 3 s exactly is still usable: 100 → 40 km/h in 3 s = −5.56 m/s².
    expect(run(derived([100, 40, 40], 3000)).summary).toEqual([['HARSH_BRAKING', 3000, -5.555556]]);
  });

  it('a gap > 3 s ends an open manoeuvre (emitted with the next reading)', () => {
    const readings = [reading({ ts: 0, speedKph: 100 }), reading({ ts: 1000, speedKph: 80 }), reading({ ts: 10_000, speedKph: 0 })];
    expect(run(readings).summary).toEqual([['HARSH_BRAKING', 1000, -5.555556]]);
  });

  it('prefers accelLongMps2 over the derived value', () => {
    // Speeds say −8.3 m/s², the IMU says −1: trust the IMU, no event.
    const calmImu = [reading({ ts: 0, speedKph: 100, accelLongMps2: 0 }), reading({ ts: 1000, speedKph: 70, accelLongMps2: -1 })];
    expect(run([...calmImu, reading({ ts: 2000, speedKph: 70, accelLongMps2: 0 })]).events).toEqual([]);
    // Speeds are steady, the IMU says −4: event.
    const hardImu = [reading({ ts: 0, speedKph: 50 }), reading({ ts: 1000, speedKph: 50, accelLongMps2: -4 }), reading({ ts: 2000, speedKph: 50 })];
    expect(run(hardImu).summary).toEqual([['HARSH_BRAKING', 1000, -4]]);
  });

  it('per-vehicle thresholds apply', () => {
    expect(run(measured([-3, 0]), { brakingThresholdMps2: 2.5 }).summary).toEqual([['HARSH_BRAKING', 0, -3]]);
    expect(run(measured([3.2, 0]), { accelerationThresholdMps2: 4 }).events).toEqual([]);
  });

  it('the event id depends on vehicle, type and onset ts only', () => {
    const a = run(measured([-4, -6, 0])).events[0];
    const b = run(measured([-4, -9, -9, 0])).events[0];
    expect(a?.eventId).toBeDefined();
    expect(a?.eventId).toBe(b?.eventId);
  });

  it('longitudinalAccelMps2 is null without a usable previous reading', () => {
    const state = initialHarshDrivingState();
    expect(longitudinalAccelMps2(state, reading({ ts: 0, speedKph: 10 }), 3000)).toBeNull();
    const after = { previousTs: 1000, previousSpeedKph: 10, manoeuvre: null };
    expect(longitudinalAccelMps2(after, reading({ ts: 1000, speedKph: 50 }), 3000)).toBeNull();
    expect(longitudinalAccelMps2(after, reading({ ts: 2000, speedKph: 46 }), 3000)).toBe(10);
  });
});
