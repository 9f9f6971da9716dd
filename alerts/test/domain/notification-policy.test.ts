import type { EventType } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { type Decision, NotificationPolicy, type NotifySettings, type PolicyRecord } from '../../src/domain/notification-policy';

const MIN = 60_000;
const settings: NotifySettings = { notify: ['OVERSPEED', 'HARSH_BRAKING'], cooldownMs: 10 * MIN };
const T0 = Date.UTC(2025, 2, 4, 13, 0, 0);

let n = 0;
function event(type: EventType, ts: number, extra: { durationMs?: number; peakSpeedKph?: number; vehicleId?: string } = {}) {
  n += 1;
  return {
    eventId: `e${n}`,
    vehicleId: extra.vehicleId ?? 'v1',
    type,
    ts,
    durationMs: extra.durationMs ?? null,
    peakSpeedKph: extra.peakSpeedKph ?? null,
  };
}

const always = () => true;
const never = () => false;

/** Turns decisions into the records the notifier would write, for restore(). */
function toRecord(e: ReturnType<typeof event>, decision: Decision): PolicyRecord {
  if (decision.kind === 'email') {
    return { key: e.eventId, vehicleId: e.vehicleId, partition: 0, ts: e.ts, seriesType: decision.seriesType, role: 'email', windowEnd: decision.windowEnd, cooldownMs: decision.cooldownMs };
  }
  if (decision.kind === 'fold') {
    return { key: e.eventId, vehicleId: e.vehicleId, partition: 0, ts: e.ts, seriesType: decision.seriesType, role: 'fold', window: decision.window };
  }
  return { key: e.eventId, vehicleId: e.vehicleId, partition: 0, ts: e.ts, seriesType: null, role: 'none' };
}

describe('NotificationPolicy', () => {
  it('emails the first event and folds repeats inside the cooldown', () => {
    const policy = new NotificationPolicy();
    const decisions = Array.from({ length: 10 }, (_, i) => policy.decide(event('OVERSPEED', T0 + i * 12_000), settings, 0, always));
    expect(decisions[0]).toMatchObject({ kind: 'email', carries: null, windowEnd: T0 + 10 * MIN });
    expect(decisions.slice(1).every((d) => d.kind === 'fold')).toBe(true);
    expect(policy.due(T0 + 10 * MIN - 1)).toEqual([]);
    const [summary] = policy.due(T0 + 10 * MIN);
    expect(summary).toMatchObject({ vehicleId: 'v1', type: 'OVERSPEED', ts: T0 + 10 * MIN, fold: { count: 9, firstTs: T0 + 12_000, lastTs: T0 + 108_000 } });
    expect(policy.due(T0 + 60 * MIN)).toEqual([]);
  });

  it('carries folded events into the next email when one comes after the window', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0), settings, 0, always);
    policy.decide(event('OVERSPEED', T0 + MIN), settings, 0, always);
    policy.decide(event('OVERSPEED', T0 + 2 * MIN), settings, 0, always);
    const next = policy.decide(event('OVERSPEED', T0 + 11 * MIN), settings, 0, always);
    expect(next).toMatchObject({ kind: 'email', carries: { count: 2, firstTs: T0 + MIN, lastTs: T0 + 2 * MIN } });
    expect(policy.due(T0 + 100 * MIN)).toEqual([]);
  });

  it('keeps series apart per vehicle and per type', () => {
    const policy = new NotificationPolicy();
    expect(policy.decide(event('OVERSPEED', T0), settings, 0, always).kind).toBe('email');
    expect(policy.decide(event('HARSH_BRAKING', T0 + 1000), settings, 0, always).kind).toBe('email');
    expect(policy.decide(event('OVERSPEED', T0 + 2000, { vehicleId: 'v2' }), settings, 0, always).kind).toBe('email');
  });

  it('a summary opens the next window: at most one email per cooldown', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0), settings, 0, always);
    policy.decide(event('OVERSPEED', T0 + MIN), settings, 0, always);
    expect(policy.due(T0 + 10 * MIN)).toHaveLength(1);
    expect(policy.decide(event('OVERSPEED', T0 + 11 * MIN), settings, 0, always)).toMatchObject({ kind: 'fold' });
    expect(policy.decide(event('OVERSPEED', T0 + 20 * MIN), settings, 0, always)).toMatchObject({ kind: 'email', carries: { count: 1 } });
  });

  it('respects preferences and a missing owner', () => {
    const policy = new NotificationPolicy();
    expect(policy.decide(event('GEOFENCE_EXIT', T0), settings, 0, always)).toEqual({ kind: 'suppress', reason: 'preferences' });
    expect(policy.decide(event('OVERSPEED', T0), null, 0, always)).toEqual({ kind: 'suppress', reason: 'no-owner' });
  });

  it('merges OVERSPEED_END into the episode email while it waits, and suppresses it otherwise', () => {
    const policy = new NotificationPolicy();
    const start = event('OVERSPEED', T0);
    policy.decide(start, settings, 0, always);
    const end = event('OVERSPEED_END', T0 + 42_000, { durationMs: 42_000, peakSpeedKph: 131 });
    expect(policy.decide(end, settings, 0, (key) => key === start.eventId)).toEqual({
      kind: 'merge',
      into: start.eventId,
      episode: { durationMs: 42_000, peakSpeedKph: 131 },
    });
    expect(policy.decide(event('OVERSPEED_END', T0 + 43_000), settings, 0, never)).toEqual({ kind: 'suppress', reason: 'episode-notified' });
  });

  it('does not merge an end into an earlier episode once a later one was folded', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0), settings, 0, always);
    policy.decide(event('OVERSPEED', T0 + MIN), settings, 0, always);
    expect(policy.decide(event('OVERSPEED_END', T0 + 2 * MIN), settings, 0, always)).toMatchObject({ kind: 'suppress' });
  });

  it('does not merge an end into a summary email', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0), settings, 0, always);
    policy.decide(event('OVERSPEED', T0 + MIN), settings, 0, always);
    expect(policy.due(T0 + 10 * MIN)).toHaveLength(1);
    expect(policy.decide(event('OVERSPEED_END', T0 + 11 * MIN), settings, 0, always)).toMatchObject({ kind: 'suppress' });
  });

  it('emails OVERSPEED_END on its own when only the end is chosen', () => {
    const policy = new NotificationPolicy();
    const onlyEnd: NotifySettings = { notify: ['OVERSPEED_END'], cooldownMs: 0 };
    expect(policy.decide(event('OVERSPEED', T0), onlyEnd, 0, always).kind).toBe('suppress');
    expect(policy.decide(event('OVERSPEED_END', T0 + 5000), onlyEnd, 0, always).kind).toBe('email');
    expect(policy.decide(event('OVERSPEED_END', T0 + 6000), onlyEnd, 0, always).kind).toBe('email');
  });

  it('emails a late incident without moving the window', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0 + 60 * MIN), settings, 0, always);
    expect(policy.decide(event('OVERSPEED', T0), settings, 0, always)).toMatchObject({ kind: 'email', carries: null });
    expect(policy.decide(event('OVERSPEED', T0 + 61 * MIN), settings, 0, always).kind).toBe('fold');
  });

  it('restores the same state from the recorded decisions', () => {
    const live = new NotificationPolicy();
    const records: PolicyRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const e = event('OVERSPEED', T0 + i * MIN);
      records.push(toRecord(e, live.decide(e, settings, 0, always)));
    }
    const restored = new NotificationPolicy();
    restored.restore([...records].reverse());
    expect(restored.due(T0 + 10 * MIN)).toEqual(live.due(T0 + 10 * MIN));
    const summaryRecord: PolicyRecord = { key: 'summary:v1:OVERSPEED:x', vehicleId: 'v1', partition: 0, ts: T0 + 10 * MIN, seriesType: 'OVERSPEED', role: 'email', windowEnd: T0 + 20 * MIN };
    restored.restore([...records, summaryRecord]);
    expect(restored.due(T0 + 100 * MIN)).toEqual([]);
    expect(restored.decide(event('OVERSPEED', T0 + 12 * MIN), settings, 0, always).kind).toBe('fold');
  });

  it('with cooldown 0 every event is emailed', () => {
    const policy = new NotificationPolicy();
    const none: NotifySettings = { notify: ['OVERSPEED'], cooldownMs: 0 };
    for (let i = 0; i < 3; i++) expect(policy.decide(event('OVERSPEED', T0 + i), none, 0, always).kind).toBe('email');
  });

  it('only summarises series of owned partitions', () => {
    const policy = new NotificationPolicy();
    policy.decide(event('OVERSPEED', T0), settings, 3, always);
    policy.decide(event('OVERSPEED', T0 + 1000), settings, 3, always);
    expect(policy.due(T0 + 60 * MIN, (p) => p !== 3)).toEqual([]);
    expect(policy.due(T0 + 60 * MIN, (p) => p === 3)).toHaveLength(1);
  });
});
