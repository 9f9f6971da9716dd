import type { Geofence, VehicleEvent } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { detectGeofenceTransitions, type GeofenceState, initialGeofenceState } from '../../src/domain/geofence';
import { compileGeofences, type GeofenceIndex } from '../../src/domain/geofence-index';
import { geofence, reading, squareRing } from './reading-fixtures';

const depot = geofence({ id: 'depot', name: 'Depot', shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.01)] } });
const IN = 13.0; // lon inside the depot (lat 52)
const OUT = 13.05;
const EDGE_IN = 13.0099; // GPS jitter either side of the east edge at 13.01
const EDGE_OUT = 13.0101;

/** Runs readings at the given longitudes (lat 52), 1 s apart; the index may change per reading. */
function run(lons: readonly number[], indexAt: GeofenceIndex | ((i: number) => GeofenceIndex), confirmReadings = 2, lat = 52) {
  let state: GeofenceState = initialGeofenceState();
  const events: VehicleEvent[] = [];
  lons.forEach((lon, i) => {
    const index = typeof indexAt === 'function' ? indexAt(i) : indexAt;
    const result = detectGeofenceTransitions(state, reading({ ts: i * 1000, lon, lat }), { index, confirmReadings });
    state = result.state;
    events.push(...result.events);
  });
  return { state, events, summary: events.map((e) => `${e.type}:${e.geofenceId}@${e.ts}`) };
}

describe('detectGeofenceTransitions', () => {
  const index = compileGeofences([depot]);

  it.each([
    { name: 'a vehicle that starts inside sets its state silently', lons: [IN, IN, IN], expected: [] },
    { name: 'a vehicle that starts outside sets its state silently', lons: [OUT, OUT, OUT], expected: [] },
    { name: 'starts outside, enters: ENTER at the 2nd reading inside', lons: [OUT, IN, IN, IN], expected: ['GEOFENCE_ENTER:depot@2000'] },
    { name: 'starts inside, leaves: EXIT at the 2nd reading outside', lons: [IN, OUT, OUT], expected: ['GEOFENCE_EXIT:depot@2000'] },
    { name: 'one reading outside is not an exit', lons: [IN, OUT, IN, IN], expected: [] },
    {
      name: 'jitter across the boundary never flaps',
      lons: [EDGE_IN, EDGE_OUT, EDGE_IN, EDGE_OUT, EDGE_IN, EDGE_OUT, EDGE_IN],
      expected: [],
    },
    {
      name: 'confirmation needs consecutive readings',
      lons: [IN, OUT, IN, OUT, OUT, IN, OUT, IN, IN],
      expected: ['GEOFENCE_EXIT:depot@4000', 'GEOFENCE_ENTER:depot@8000'],
    },
    {
      name: 'a round trip gives EXIT then ENTER',
      lons: [IN, OUT, OUT, OUT, IN, IN],
      expected: ['GEOFENCE_EXIT:depot@2000', 'GEOFENCE_ENTER:depot@5000'],
    },
  ])('$name', ({ lons, expected }) => {
    expect(run(lons, index).summary).toEqual(expected);
  });

  it('the event carries the fence and the confirming reading', () => {
    const [exit] = run([IN, OUT, OUT], index).events;
    expect(exit).toMatchObject({
      type: 'GEOFENCE_EXIT',
      vehicleId: 'v1',
      ts: 2000,
      lon: OUT,
      lat: 52,
      receivedAt: 2250,
      geofenceId: 'depot',
      geofenceName: 'Depot',
      limitKph: null,
      accelMps2: null,
    });
  });

  it('confirmReadings = 1 reports the first reading on the new side', () => {
    expect(run([IN, OUT, IN], index, 1).summary).toEqual(['GEOFENCE_EXIT:depot@1000', 'GEOFENCE_ENTER:depot@2000']);
  });

  it('a polygon with a hole: driving into the hole is an exit', () => {
    const ring = compileGeofences([
      geofence({ id: 'ring', shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.01), squareRing(13, 52, 0.003)] } }),
    ]);
    expect(run([13.006, 13.0, 13.0, 13.006, 13.006], ring).summary).toEqual(['GEOFENCE_EXIT:ring@2000', 'GEOFENCE_ENTER:ring@4000']);
  });

  it('a multipolygon: moving from one part to the other without leaving in between is no crossing', () => {
    const twin = compileGeofences([
      geofence({ id: 'twin', shape: { type: 'MultiPolygon', coordinates: [[squareRing(13, 52, 0.005)], [squareRing(13.1, 52, 0.005)]] } }),
    ]);
    expect(run([13.0, 13.0, 13.1, 13.1], twin).summary).toEqual([]);
    expect(run([13.0, 13.05, 13.05, 13.1, 13.1], twin).summary).toEqual(['GEOFENCE_EXIT:twin@2000', 'GEOFENCE_ENTER:twin@4000']);
  });

  it('a circle (haversine radius)', () => {
    const circle = compileGeofences([geofence({ id: 'c', shape: { type: 'Circle', center: [13, 52], radiusM: 1000 } })]);
    // 0.01° of longitude at 52°N ≈ 685 m (inside); 0.02° ≈ 1370 m (outside).
    expect(run([13.01, 13.02, 13.02, 13.01, 13.01], circle).summary).toEqual(['GEOFENCE_EXIT:c@2000', 'GEOFENCE_ENTER:c@4000']);
  });

  it.each([
    { alertOnExit: false, alertOnEnter: true, expected: ['GEOFENCE_ENTER:depot@5000'] },
    { alertOnExit: true, alertOnEnter: false, expected: ['GEOFENCE_EXIT:depot@2000'] },
  ])('respects alertOnExit=$alertOnExit alertOnEnter=$alertOnEnter (the side is still tracked)', ({ alertOnExit, alertOnEnter, expected }) => {
    const flags = compileGeofences([{ ...depot, alertOnExit, alertOnEnter }]);
    expect(run([IN, OUT, OUT, OUT, IN, IN], flags).summary).toEqual(expected);
  });

  it('ignores fences assigned to other vehicles', () => {
    const other = compileGeofences([{ ...depot, vehicleIds: ['v2'] }]);
    const result = run([IN, OUT, OUT], other);
    expect(result.events).toEqual([]);
    expect(result.state).toEqual({ knownFenceIds: [], tracked: [] });
  });

  it('a fence created around a vehicle already inside it starts with no state: no ENTER, later a real EXIT', () => {
    const before = compileGeofences([]);
    const after = compileGeofences([depot]);
    expect(run([IN, IN, IN, OUT, OUT], (i) => (i < 2 ? before : after)).summary).toEqual(['GEOFENCE_EXIT:depot@4000']);
  });

  it('a fence newly assigned while the vehicle is outside tracks it from there: a later entry is an ENTER', () => {
    const before = compileGeofences([{ ...depot, vehicleIds: ['v2'] }]);
    const after = compileGeofences([{ ...depot, vehicleIds: ['v1', 'v2'] }]);
    // Assigned from the 2nd reading on, which is outside: the fence is known from there.
    expect(run([OUT, OUT, IN, IN], (i) => (i < 1 ? before : after)).summary).toEqual(['GEOFENCE_ENTER:depot@3000']);
  });

  it('a fence removed while the vehicle is inside drops its state without an event', () => {
    const removed = compileGeofences([]);
    const result = run([IN, IN, OUT, OUT], (i) => (i < 2 ? index : removed));
    expect(result.events).toEqual([]);
    expect(result.state.tracked).toEqual([]);
  });

  it('keeps state small: only fences the vehicle is inside of or crossing get an entry', () => {
    const many = compileGeofences([depot, ...[1, 2, 3].map((n) => geofence({ id: `far-${n}`, shape: { type: 'Circle', center: [20 + n, 40], radiusM: 100 } }))]);
    const result = run([IN, IN, OUT], many);
    expect(result.state).toEqual({
      knownFenceIds: ['depot', 'far-1', 'far-2', 'far-3'],
      tracked: [{ geofenceId: 'depot', inside: true, pending: 1 }],
    });
    expect(run([OUT, OUT], many).state.tracked).toEqual([]);
  });

  it('returns the same state object when nothing changed', () => {
    const first = detectGeofenceTransitions(initialGeofenceState(), reading({ ts: 0, lon: IN, lat: 52 }), { index, confirmReadings: 2 });
    const second = detectGeofenceTransitions(first.state, reading({ ts: 1000, lon: IN, lat: 52 }), { index, confirmReadings: 2 });
    expect(second.state).toBe(first.state);
  });

  it('two fences crossed by one reading: events in registry order with distinct ids', () => {
    const fences: Geofence[] = [
      geofence({ id: 'zeta', shape: { type: 'Polygon', coordinates: [squareRing(13, 52, 0.02)] } }),
      geofence({ id: 'alpha', shape: { type: 'Circle', center: [13, 52], radiusM: 2000 } }),
    ];
    const { events } = run([OUT, IN, IN], compileGeofences(fences));
    expect(events.map((e) => e.geofenceId)).toEqual(['zeta', 'alpha']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
  });

  it('continues exactly after a JSON round trip of its state (mid-crossing)', () => {
    const first = detectGeofenceTransitions(initialGeofenceState(), reading({ ts: 0, lon: IN, lat: 52 }), { index, confirmReadings: 2 });
    const pending = detectGeofenceTransitions(first.state, reading({ ts: 1000, lon: OUT, lat: 52 }), { index, confirmReadings: 2 });
    const restored = JSON.parse(JSON.stringify(pending.state)) as GeofenceState;
    const confirmed = detectGeofenceTransitions(restored, reading({ ts: 2000, lon: OUT, lat: 52 }), { index, confirmReadings: 2 });
    expect(confirmed.events.map((e) => e.type)).toEqual(['GEOFENCE_EXIT']);
  });
});
