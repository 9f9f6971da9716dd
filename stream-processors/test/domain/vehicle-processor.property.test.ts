import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { EVENT_TYPES } from '@fleet/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGeofences } from '../../src/domain/geofence-index';
import { initialVehicleState, type VehicleState } from '../../src/domain/vehicle-processor';
import {
  feed,
  processAll,
  SCENARIO_GEOFENCES,
  SCENARIO_VEHICLES,
  scenarioContext,
  streamArbitrary,
  vehicleIdArbitrary,
  viaJson,
} from './scenario-arbitraries';

const streamWithCut = vehicleIdArbitrary.chain((vehicleId) =>
  streamArbitrary(vehicleId).chain((stream) =>
    fc.record({ vehicleId: fc.constant(vehicleId), stream: fc.constant(stream), cut: fc.nat({ max: stream.length }) }),
  ),
);

describe('vehicle processor properties', () => {
  it('(a) replaying any prefix again (at-least-once redelivery) yields the same events and ids as once', () => {
    fc.assert(
      fc.property(streamWithCut, ({ vehicleId, stream, cut }) => {
        const context = scenarioContext(vehicleId);
        const once = processAll(stream, context);
        const prefix = feed(initialVehicleState(), stream.slice(0, cut), context);
        const redelivered = feed(prefix.state, stream, context);
        expect([...prefix.events, ...redelivered.events]).toEqual(once.events);
        expect(redelivered.skipped).toBeGreaterThanOrEqual(cut);
      }),
    );
  });

  it('(b) crash/restore: JSON state restored at any cut (into a freshly compiled index) continues identically', () => {
    fc.assert(
      fc.property(streamWithCut, ({ vehicleId, stream, cut }) => {
        const once = processAll(stream, scenarioContext(vehicleId));
        const beforeCrash = processAll(stream.slice(0, cut), scenarioContext(vehicleId));
        const restarted = scenarioContext(vehicleId, compileGeofences(SCENARIO_GEOFENCES));
        const afterRestore = feed(viaJson(beforeCrash.state), stream.slice(cut), restarted);
        expect([...beforeCrash.events, ...afterRestore.events]).toEqual(once.events);
        expect(viaJson(afterRestore.state)).toEqual(viaJson(once.state));
      }),
    );
  });

  it('(a+b) state saved at one cut, offsets committed at an earlier one: the replayed overlap changes nothing', () => {
    const arbitrary = streamWithCut.chain((input) => fc.record({ input: fc.constant(input), commit: fc.nat({ max: input.cut }) }));
    fc.assert(
      fc.property(arbitrary, ({ input: { vehicleId, stream, cut }, commit }) => {
        const context = scenarioContext(vehicleId);
        const once = processAll(stream, context);
        const beforeCrash = processAll(stream.slice(0, cut), context);
        const afterRestore = feed(viaJson(beforeCrash.state), stream.slice(commit), context);
        expect([...beforeCrash.events, ...afterRestore.events]).toEqual(once.events);
      }),
    );
  });

  it('(c) interleaving vehicles in any order (each keeping its own order) gives the same per-vehicle output', () => {
    const vehicleIds = Object.keys(SCENARIO_VEHICLES);
    const arbitrary = fc.record({
      streams: fc.tuple(...vehicleIds.map((id) => streamArbitrary(id, 40))),
      picks: fc.array(fc.nat(), { maxLength: 200 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ streams, picks }) => {
        const merged = interleave(streams, picks);
        const states = new Map<string, VehicleState>();
        const eventsByVehicle = new Map<string, VehicleEvent[]>();
        for (const r of merged) {
          const result = feed(states.get(r.vehicleId) ?? initialVehicleState(), [r], scenarioContext(r.vehicleId));
          states.set(r.vehicleId, result.state);
          eventsByVehicle.set(r.vehicleId, [...(eventsByVehicle.get(r.vehicleId) ?? []), ...result.events]);
        }
        streams.forEach((stream, i) => {
          const vehicleId = vehicleIds[i] ?? '';
          expect(eventsByVehicle.get(vehicleId) ?? []).toEqual(processAll(stream, scenarioContext(vehicleId)).events);
        });
      }),
    );
  });

  it('event ids are unique and episodes/crossings alternate properly', () => {
    fc.assert(
      fc.property(streamWithCut, ({ vehicleId, stream }) => {
        const { events } = processAll(stream, scenarioContext(vehicleId));
        expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
        const overspeed = events.filter((e) => e.type === 'OVERSPEED' || e.type === 'OVERSPEED_END').map((e) => e.type);
        expect(overspeed).toEqual(overspeed.map((_, i) => (i % 2 === 0 ? 'OVERSPEED' : 'OVERSPEED_END')));
        const bothWays = SCENARIO_GEOFENCES.filter((g) => g.alertOnEnter && g.alertOnExit).map((g) => g.id);
        for (const fenceId of bothWays) {
          const crossings = events.filter((e) => e.geofenceId === fenceId).map((e) => e.type);
          crossings.slice(1).forEach((type, i) => {
            expect(type).not.toBe(crossings[i]);
          });
        }
        for (const e of events) {
          if (e.type === 'HARSH_BRAKING') expect(e.accelMps2).toBeLessThanOrEqual(-3);
          if (e.type === 'HARSH_ACCELERATION') expect(e.accelMps2).toBeGreaterThanOrEqual(3);
          if (e.type === 'OVERSPEED_END') expect(e.peakSpeedKph).toBeGreaterThan(e.limitKph ?? Number.POSITIVE_INFINITY);
        }
      }),
    );
  });

  it('the generated scenarios exercise every event type (so the properties above are not vacuous)', () => {
    const samples = fc.sample(streamWithCut, { numRuns: 300, seed: 42 });
    const seen = new Set(samples.flatMap(({ vehicleId, stream }) => processAll(stream, scenarioContext(vehicleId)).events.map((e) => e.type)));
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });
});

/** Merges streams in an order chosen by `picks`, keeping each stream's own order. */
function interleave(streams: readonly (readonly TelemetryReading[])[], picks: readonly number[]): TelemetryReading[] {
  const cursors = streams.map(() => 0);
  const merged: TelemetryReading[] = [];
  let pickIndex = 0;
  for (;;) {
    const open = streams.map((_, i) => i).filter((i) => (cursors[i] ?? 0) < (streams[i]?.length ?? 0));
    if (open.length === 0) return merged;
    const chosen = open[(picks[pickIndex++] ?? 0) % open.length] ?? 0;
    const next = streams[chosen]?.[cursors[chosen] ?? 0];
    if (next !== undefined) merged.push(next);
    cursors[chosen] = (cursors[chosen] ?? 0) + 1;
  }
}
