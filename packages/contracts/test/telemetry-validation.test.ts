import { describe, expect, it } from 'vitest';
import type { DlqReason } from '../src/dlq';
import { validateTelemetryPayload } from '../src/telemetry-validation';
import { vehicleIdFromTopic } from '../src/telemetry-topic';

const receivedAt = Date.UTC(2026, 10, 23, 12, 0, 0);
const context = { topicVehicleId: 'van-1', receivedAt };
const good = { vehicleId: 'van-1', ts: receivedAt - 500, lat: 48.1, lon: 11.5, speedKph: 50 };
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const year = 365 * 24 * 3600 * 1000;

describe('validateTelemetryPayload', () => {
  it('accepts a valid reading and stamps the receive time', () => {
    const result = validateTelemetryPayload(bytes(good), context);
    expect(result).toEqual({
      ok: true,
      reading: expect.objectContaining({ vehicleId: 'van-1', ts: good.ts, receivedAt, seq: null, dtc: [] }),
    });
  });

  it.each<[string, Uint8Array, DlqReason, string]>([
    ['empty payload', Buffer.alloc(0), 'PARSE', 'empty'],
    ['non-JSON', bytes('speed=50'), 'PARSE', 'not JSON'],
    ['non-UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'PARSE', 'UTF-8'],
    ['a JSON array', bytes([good]), 'SCHEMA', 'JSON object'],
    ['JSON null', bytes('null'), 'SCHEMA', 'JSON object'],
    ['a wrong type', bytes({ ...good, speedKph: '50' }), 'SCHEMA', 'speedKph'],
    ['a NaN-like string', bytes({ ...good, lat: 'NaN' }), 'SCHEMA', 'lat'],
    ['a missing field', bytes({ ...good, lon: undefined }), 'SCHEMA', 'lon'],
    ['out-of-range coordinates', bytes({ ...good, lat: 91 }), 'RANGE', 'lat'],
    ['out-of-range speed', bytes({ ...good, speedKph: 401 }), 'RANGE', 'speedKph'],
    ['a vehicleId differing from the topic', bytes({ ...good, vehicleId: 'van-2' }), 'TOPIC_MISMATCH', 'van-2'],
    ['a 2 MB payload', Buffer.alloc(2 * 1024 * 1024, 0x20), 'TOO_LARGE', 'limit'],
    ['a timestamp a year ahead', bytes({ ...good, ts: receivedAt + year }), 'CLOCK_SKEW', 'ts'],
    ['a timestamp a year behind', bytes({ ...good, ts: receivedAt - year }), 'CLOCK_SKEW', 'ts'],
    ['a timestamp in seconds', bytes({ ...good, ts: Math.floor(receivedAt / 1000) }), 'CLOCK_SKEW', 'seconds'],
    ['a timestamp 6 minutes ahead', bytes({ ...good, ts: receivedAt + 6 * 60_000 }), 'CLOCK_SKEW', 'ts'],
  ])('rejects %s', (_name, payload, reason, mentions) => {
    const result = validateTelemetryPayload(payload, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.error).toContain(mentions);
  });

  it('accepts a timestamp 4 minutes ahead and 6 days behind', () => {
    for (const ts of [receivedAt + 4 * 60_000, receivedAt - 6 * 24 * 3600_000]) {
      expect(validateTelemetryPayload(bytes({ ...good, ts }), context).ok).toBe(true);
    }
  });

  it('reports a huge integer timestamp without throwing', () => {
    const result = validateTelemetryPayload(bytes({ ...good, ts: 9_000_000_000_000_000 }), context);
    expect(result).toMatchObject({ ok: false, reason: 'CLOCK_SKEW' });
  });

  it('mismatches when the topic names no vehicle', () => {
    const result = validateTelemetryPayload(bytes(good), { ...context, topicVehicleId: null });
    expect(result).toMatchObject({ ok: false, reason: 'TOPIC_MISMATCH' });
  });
});

describe('vehicleIdFromTopic', () => {
  it.each([
    ['vehicles/van-1/telemetry', 'van-1'],
    ['vehicles//telemetry', null],
    ['vehicles/a/b/telemetry', null],
    ['fleet/van-1/telemetry', null],
  ])('%s → %s', (topic, expected) => {
    expect(vehicleIdFromTopic(topic)).toBe(expected);
  });
});
