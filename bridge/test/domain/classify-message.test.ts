import { DLQ_HEADERS } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/domain/classify-message';

const receivedAt = Date.parse('2025-06-01T12:00:00Z');
const good = { vehicleId: 'v-1', ts: receivedAt - 1000, lat: 52.5, lon: 13.4, speedKph: 50 };
const msg = (payload: unknown, topic = 'vehicles/v-1/telemetry') => ({
  topic,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  clientId: 'dev-1',
  receivedAt,
});

describe('classifyMessage', () => {
  it('accepts a valid reading keyed by vehicle and normalises ISO time', () => {
    const result = classifyMessage(msg({ ...good, ts: '2025-06-01T13:59:00+02:00' }));
    expect(result).toMatchObject({ kind: 'accepted', key: 'v-1', reading: { ts: receivedAt - 60_000, receivedAt } });
  });

  it('dead-letters with headers naming reason, field, topic, client and receive time', () => {
    const result = classifyMessage(msg({ ...good, lat: 91 }));
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    expect(result.key).toBe('v-1');
    expect(result.headers[DLQ_HEADERS.reason]).toBe('RANGE');
    expect(result.headers[DLQ_HEADERS.error]).toContain('lat');
    expect(result.headers[DLQ_HEADERS.mqttTopic]).toBe('vehicles/v-1/telemetry');
    expect(result.headers[DLQ_HEADERS.clientId]).toBe('dev-1');
    expect(result.headers[DLQ_HEADERS.receivedAt]).toBe('2025-06-01T12:00:00.000Z');
  });

  it('keys a rejection from a non-telemetry topic by client id', () => {
    const result = classifyMessage(msg(good, 'other/topic'));
    expect(result).toMatchObject({ kind: 'rejected', key: 'dev-1', reason: 'TOPIC_MISMATCH' });
  });

  it('truncates very long error texts', () => {
    const result = classifyMessage(msg({ ...good, dtc: Array.from({ length: 200 }, () => 'nope-nope-nope') }));
    if (result.kind !== 'rejected') throw new Error('expected a rejection');
    expect(result.headers[DLQ_HEADERS.error]!.length).toBeLessThanOrEqual(1001);
  });
});
