import type { TelemetryReading, Vehicle, VehicleEvent } from '@fleet/contracts';
import { deterministicEventId } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/domain/detector-config';
import { compileGeofences, type GeofenceIndex } from '../../src/domain/geofence-index';
import { initialVehicleState, type ProcessingContext, processReading, type VehicleState } from '../../src/domain/vehicle-processor';
import { geofence, reading, squareRing } from './reading-fixtures';

const schoolZone = geofence({
  id: 'school',
  name: 'School',
  shape: { type: 'Circle', center: [13, 52], radiusM: 500 },
  speedLimitKph: 30,
  alertOnEnter: false,
  alertOnExit: false,
});
const townZone = geofence({ id: 'town', shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.05)] }, speedLimitKph: 50 });
const motorway = geofence({ id: 'motorway', shape: { type: 'Polygon', coordinates: [squareRing(14, 52, 0.05)] }, speedLimitKph: 130 });
const index = compileGeofences([schoolZone, townZone, motorway]);

function context(vehicle?: Partial<Vehicle>, geofences: GeofenceIndex = index): ProcessingContext {
  return {
    vehicle: vehicle === undefined ? undefined : { id: 'v1', ownerId: 'o1', name: 'Van', ...vehicle },
    geofences,
    config: DEFAULT_DETECTOR_CONFIG,
  };
}

function run(readings: readonly TelemetryReading[], ctx: ProcessingContext) {
  let state: VehicleState = initialVehicleState();
  const events: VehicleEvent[] = [];
  const skipped: string[] = [];
  for (const r of readings) {
    const result = processReading(state, r, ctx);
    state = result.state;
    events.push(...result.events);
    if (result.skipped !== null) skipped.push(`${result.skipped}@${r.ts}`);
  }
  return { state, events, skipped, types: events.map((e) => `${e.type}@${e.ts}`) };
}

/** Readings 1 s apart at a fixed position. */
function drive(speeds: readonly number[], lon: number, lat = 52): TelemetryReading[] {
  return speeds.map((speedKph, i) => reading({ ts: i * 1000, speedKph, lon, lat }));
}

const SIX_SECONDS = (speed: number) => [speed, speed, speed, speed, speed, speed];

describe('processReading', () => {
  it.each([
    { name: 'unknown vehicle, open road: global 120 applies', vehicle: undefined, lon: 20, speed: 125, overspeed: true },
    { name: 'unknown vehicle, open road: 120 is fine', vehicle: undefined, lon: 20, speed: 120, overspeed: false },
    { name: 'the vehicle’s own limit applies outside zones', vehicle: { speedLimitKph: 80 }, lon: 20, speed: 85, overspeed: true },
    { name: 'a town zone limit beats the vehicle’s', vehicle: { speedLimitKph: 80 }, lon: 13.04, speed: 60, overspeed: true },
    { name: 'the lowest zone limit wins (school inside town)', vehicle: undefined, lon: 13.001, speed: 40, overspeed: true },
    { name: 'a motorway zone may allow more than the vehicle’s limit', vehicle: { speedLimitKph: 80 }, lon: 14, speed: 120, overspeed: false },
  ])('$name', ({ vehicle, lon, speed, overspeed }) => {
    const { types } = run(drive([...SIX_SECONDS(speed), 0], lon), context(vehicle));
    expect(types).toEqual(overspeed ? ['OVERSPEED@5000', 'OVERSPEED_END@6000'] : []);
  });

  it('reports the applicable zone limit as evidence', () => {
    const { events } = run(drive([...SIX_SECONDS(40), 0], 13.001), context());
    expect(events.map((e) => e.limitKph)).toEqual([30, 30]);
  });

  it('applies per-vehicle thresholds', () => {
    const quick = run(drive([130, 130, 130, 0], 20), context({ thresholds: { overspeedMinDurationMs: 2000 } }));
    expect(quick.types).toEqual(['OVERSPEED@2000', 'OVERSPEED_END@3000']);
    const sensitive = run(drive([50, 40, 40], 20), context({ thresholds: { harshBrakingMps2: 2.5 } }));
    expect(sensitive.types).toEqual(['HARSH_BRAKING@1000']);
    expect(run(drive([50, 40, 40], 20), context()).types).toEqual([]);
  });

  it('duplicates and late readings do not drive detection, and say why', () => {
    const first = processReading(initialVehicleState(), reading({ ts: 5000, speedKph: 50, lon: 20 }), context());
    const duplicate = processReading(first.state, reading({ ts: 5000, speedKph: 0, lon: 20 }), context());
    expect(duplicate).toEqual({ state: first.state, events: [], skipped: 'DUPLICATE' });
    expect(duplicate.state).toBe(first.state);
    const late = processReading(first.state, reading({ ts: 4999, speedKph: 0, lon: 20 }), context());
    expect(late).toEqual({ state: first.state, events: [], skipped: 'LATE' });
    // The late reading would have been harsh braking if it had been processed.
    const next = processReading(late.state, reading({ ts: 6000, speedKph: 50, lon: 20 }), context());
    expect(next.skipped).toBeNull();
    expect(next.events).toEqual([]);
  });

  it('builds complete contract events with deterministic ids', () => {
    const readings = drive([...SIX_SECONDS(130), 0], 20);
    const { events } = run(readings, context());
    expect(events[0]).toEqual({
      eventId: deterministicEventId('v1', 'OVERSPEED', 5000, ''),
      vehicleId: 'v1',
      type: 'OVERSPEED',
      ts: 5000,
      lat: 52,
      lon: 20,
      speedKph: 130,
      limitKph: 120,
      peakSpeedKph: 130,
      durationMs: 5000,
      accelMps2: null,
      geofenceId: null,
      geofenceName: null,
      receivedAt: 5250,
    });
    expect(run(readings, context()).events).toEqual(events);
  });

  it('one reading can emit from every detector, in a fixed order', () => {
    const depot = geofence({ id: 'depot', name: 'Depot', shape: { type: 'Polygon', coordinates: [squareRing(20, 52, 0.01)] } });
    const ctx = context(undefined, compileGeofences([depot]));
    const before = run(
      [
        ...[0, 1, 2, 3].map((i) => reading({ ts: i * 1000, speedKph: 130, lon: 20 })),
        reading({ ts: 4000, speedKph: 130, lon: 20.05, accelLongMps2: -5 }),
      ],
      ctx,
    );
    expect(before.events).toEqual([]);
    // This reading confirms the overspeed, closes the brake and confirms the exit.
    const { events } = processReading(before.state, reading({ ts: 5000, speedKph: 130, lon: 20.05, accelLongMps2: 0 }), ctx);
    expect(events.map((e) => `${e.type}@${e.ts}`)).toEqual(['OVERSPEED@5000', 'HARSH_BRAKING@4000', 'GEOFENCE_EXIT@5000']);
  });

  it('keeps state as plain JSON that restores to an equal value', () => {
    const { state } = run(drive([130, 130, 50], 13.001), context());
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.lastTs).toBe(2000);
  });
});
