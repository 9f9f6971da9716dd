import type { TelemetryReading, VehicleEvent } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { detectOverspeed, initialOverspeedState, type OverspeedConfig, type OverspeedState } from '../../src/domain/overspeed';
import { reading, speedSeries } from './reading-fixtures';

const config: OverspeedConfig = { limitKph: 100, minDurationMs: 5000, hysteresisKph: 2, gapTimeoutMs: 60_000 };

function run(readings: readonly TelemetryReading[], limits?: readonly number[]) {
  let state: OverspeedState = initialOverspeedState();
  const events: VehicleEvent[] = [];
  readings.forEach((r, i) => {
    const result = detectOverspeed(state, r, { ...config, limitKph: limits?.[i] ?? config.limitKph });
    state = result.state;
    events.push(...result.events);
  });
  return { state, events, summary: events.map((e) => `${e.type}@${e.ts}`) };
}

describe('detectOverspeed', () => {
  it.each([
    { name: 'exactly at the limit is not overspeed', speeds: [100, 100, 100, 100, 100, 100, 100], expected: [] },
    { name: 'a one-reading spike emits nothing', speeds: [90, 150, 90, 90], expected: [] },
    { name: 'over the limit for 4 s (5 readings) is not confirmed', speeds: [101, 101, 101, 101, 101, 90], expected: [] },
    {
      name: 'over the limit for 5 s is confirmed once, then ends',
      speeds: [101, 101, 101, 101, 101, 101, 101, 90],
      expected: ['OVERSPEED@5000', 'OVERSPEED_END@7000'],
    },
    {
      name: 'hysteresis: limit − 1 keeps the episode open',
      speeds: [110, 110, 110, 110, 110, 110, 99, 99, 110, 97],
      expected: ['OVERSPEED@5000', 'OVERSPEED_END@9000'],
    },
    {
      name: 'exactly limit − 2 ends the episode',
      speeds: [110, 110, 110, 110, 110, 110, 98],
      expected: ['OVERSPEED@5000', 'OVERSPEED_END@6000'],
    },
    {
      name: 'a reading in the hysteresis band keeps the episode but does not confirm it',
      speeds: [110, 110, 110, 110, 110, 99, 110],
      expected: ['OVERSPEED@6000'],
    },
    {
      name: 'two separate episodes give two pairs',
      speeds: [110, 110, 110, 110, 110, 110, 90, 120, 120, 120, 120, 120, 120, 50],
      expected: ['OVERSPEED@5000', 'OVERSPEED_END@6000', 'OVERSPEED@12000', 'OVERSPEED_END@13000'],
    },
  ])('$name', ({ speeds, expected }) => {
    expect(run(speedSeries(speeds)).summary).toEqual(expected);
  });

  it('4.9 s over the limit does not confirm, 5.0 s does (duration from the first over-limit reading)', () => {
    const at = (ts: number, speedKph: number) => reading({ ts, speedKph });
    expect(run([at(0, 120), at(4900, 120)]).events).toEqual([]);
    const confirmed = run([at(0, 120), at(5000, 121)]).events;
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toMatchObject({ type: 'OVERSPEED', ts: 5000, durationMs: 5000, limitKph: 100, peakSpeedKph: 121 });
  });

  it('the END carries peak speed, duration, limit and the ending reading', () => {
    const readings = speedSeries([105, 130, 115, 110, 104, 101, 103, 95]);
    const [start, end] = run(readings).events;
    expect(start).toMatchObject({ type: 'OVERSPEED', ts: 5000, speedKph: 101, peakSpeedKph: 130, durationMs: 5000, limitKph: 100 });
    expect(end).toMatchObject({
      type: 'OVERSPEED_END',
      ts: 7000,
      speedKph: 95,
      peakSpeedKph: 130,
      durationMs: 7000,
      limitKph: 100,
      receivedAt: 7250,
      vehicleId: 'v1',
    });
    expect(end?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gap timeout: END at the last reading of the episode when the next arrives > 60 s later', () => {
    const readings = [...speedSeries([120, 120, 120, 120, 120, 120]), reading({ ts: 5000 + 60_001, speedKph: 90 })];
    const { events, state } = run(readings);
    expect(events.map((e) => [e.type, e.ts, e.durationMs, e.speedKph])).toEqual([
      ['OVERSPEED', 5000, 5000, 120],
      ['OVERSPEED_END', 5000, 5000, 120],
    ]);
    expect(state.episode).toBeNull();
  });

  it('a gap of exactly 60 s is not a timeout', () => {
    const readings = [...speedSeries([120, 120, 120, 120, 120, 120]), reading({ ts: 65_000, speedKph: 120 }), reading({ ts: 66_000, speedKph: 50 })];
    expect(run(readings).summary).toEqual(['OVERSPEED@5000', 'OVERSPEED_END@66000']);
  });

  it('after a gap, a reading still over the limit starts a new episode', () => {
    const first = speedSeries([120, 120, 120, 120, 120, 120]);
    const second = speedSeries([120, 120, 120, 120, 120, 120, 80], 1000, 100_000);
    expect(run([...first, ...second]).summary).toEqual(['OVERSPEED@5000', 'OVERSPEED_END@5000', 'OVERSPEED@105000', 'OVERSPEED_END@106000']);
  });

  it('an unconfirmed episode ended by a gap emits nothing', () => {
    expect(run([...speedSeries([120, 120]), reading({ ts: 200_000, speedKph: 50 })]).events).toEqual([]);
  });

  it('a per-vehicle minimum duration of 0 confirms on the first over-limit reading', () => {
    const result = detectOverspeed(initialOverspeedState(), reading({ ts: 10, speedKph: 101 }), { ...config, minDurationMs: 0 });
    expect(result.events.map((e) => [e.type, e.durationMs])).toEqual([['OVERSPEED', 0]]);
  });

  it('entering a lower-limit zone mid-stream starts the episode there; leaving it ends the episode', () => {
    // 90 km/h throughout: legal on the 120 road, speeding in the 80 zone from ts 3000 to 8000.
    const limits = [120, 120, 120, 80, 80, 80, 80, 80, 80, 120];
    const result = run(speedSeries(limits.map(() => 90)), limits);
    expect(result.events.map((e) => [e.type, e.ts, e.limitKph, e.durationMs])).toEqual([
      ['OVERSPEED', 8000, 80, 5000],
      ['OVERSPEED_END', 9000, 80, 6000],
    ]);
  });

  it('speeding across zones is one episode reporting the lowest limit exceeded', () => {
    const speeds = [130, 130, 130, 130, 130, 130, 130, 100];
    const limits = [120, 120, 50, 50, 120, 120, 120, 120];
    const result = run(speedSeries(speeds), limits);
    expect(result.events.map((e) => [e.type, e.ts, e.limitKph])).toEqual([
      ['OVERSPEED', 5000, 50],
      ['OVERSPEED_END', 7000, 50],
    ]);
  });

  it('returns the same state object when nothing is happening', () => {
    const state = initialOverspeedState();
    expect(detectOverspeed(state, reading({ ts: 1, speedKph: 50 }), config).state).toBe(state);
  });
});
