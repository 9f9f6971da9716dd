import { DLQ_HEADERS, MAX_PAYLOAD_BYTES, telemetryTopic } from '@fleet/contracts';
import { headerString } from '@fleet/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, readRecords, reading, startTestBridge, type TestBridge } from '../support/bridge-harness';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const vehicleId = 'veh-bad';
const json = (overrides: Record<string, unknown>) => Buffer.from(JSON.stringify(reading(vehicleId, overrides)));
const without = (field: string) => {
  const body = reading(vehicleId);
  delete body[field];
  return Buffer.from(JSON.stringify(body));
};

const cases: { name: string; payload: Buffer; reason: string; errorMentions: string }[] = [
  { name: 'non-JSON', payload: Buffer.from('speed=50;lat=1'), reason: 'PARSE', errorMentions: 'not JSON' },
  { name: 'empty', payload: Buffer.alloc(0), reason: 'PARSE', errorMentions: 'empty' },
  { name: 'non-UTF-8', payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: 'PARSE', errorMentions: 'UTF-8' },
  { name: 'JSON array', payload: Buffer.from('[1,2]'), reason: 'SCHEMA', errorMentions: 'object' },
  { name: 'wrong type', payload: json({ speedKph: '50' }), reason: 'SCHEMA', errorMentions: 'speedKph' },
  { name: 'missing field', payload: without('lat'), reason: 'SCHEMA', errorMentions: 'lat' },
  { name: 'NaN-like string', payload: json({ lon: 'NaN' }), reason: 'SCHEMA', errorMentions: 'lon' },
  { name: 'out-of-range latitude', payload: json({ lat: 91 }), reason: 'RANGE', errorMentions: 'lat' },
  { name: 'out-of-range longitude', payload: json({ lon: -180.5 }), reason: 'RANGE', errorMentions: 'lon' },
  { name: 'topic/vehicleId mismatch', payload: json({ vehicleId: 'someone-else' }), reason: 'TOPIC_MISMATCH', errorMentions: 'vehicleId' },
  { name: 'ts one year ahead', payload: json({ ts: Date.now() + YEAR_MS }), reason: 'CLOCK_SKEW', errorMentions: 'ts' },
  { name: 'ts one year behind', payload: json({ ts: Date.now() - YEAR_MS }), reason: 'CLOCK_SKEW', errorMentions: 'ts' },
  { name: 'ts in seconds', payload: json({ ts: Math.floor(Date.now() / 1000) }), reason: 'CLOCK_SKEW', errorMentions: 'seconds' },
  {
    name: 'payload just over 64 KiB (fits the MQTT limit)',
    payload: Buffer.concat([json({}), Buffer.alloc(MAX_PAYLOAD_BYTES + 10 - json({}).length, 0x20)]),
    reason: 'TOO_LARGE',
    errorMentions: 'bytes',
  },
];

describe('bad input through real MQTT', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge();
  });
  afterAll(async () => {
    await bridge?.app.stop('test done');
  });

  it('dead-letters each case with its reason, the original bytes and the MQTT context, and keeps serving', async () => {
    const device = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-bad' });
    // Sequential QoS 1 publishes on one topic: one key, one partition, DLQ order = case order.
    for (const testCase of cases) await device.publishAsync(telemetryTopic(vehicleId), testCase.payload, { qos: 1 });
    const good = reading(vehicleId);
    await device.publishAsync(telemetryTopic(vehicleId), JSON.stringify(good), { qos: 1 });

    const dead = await readRecords(bridge.kafka, bridge.topics.dlq, cases.length);
    expect(dead).toHaveLength(cases.length);
    for (const [index, testCase] of cases.entries()) {
      const record = dead[index]!;
      const context = `case "${testCase.name}"`;
      expect(headerString(record.headers, DLQ_HEADERS.reason), context).toBe(testCase.reason);
      expect(headerString(record.headers, DLQ_HEADERS.error), context).toContain(testCase.errorMentions);
      expect(headerString(record.headers, DLQ_HEADERS.mqttTopic), context).toBe(telemetryTopic(vehicleId));
      expect(headerString(record.headers, DLQ_HEADERS.clientId), context).toBe('dev-bad');
      expect(Date.parse(headerString(record.headers, DLQ_HEADERS.receivedAt) ?? ''), context).toBeGreaterThan(Date.now() - 120_000);
      expect(record.key?.toString(), context).toBe(vehicleId);
      expect(Buffer.compare(record.value ?? Buffer.alloc(0), testCase.payload), context).toBe(0);
    }
    const accepted = await readRecords(bridge.kafka, bridge.topics.telemetry, 1);
    expect(accepted).toHaveLength(1);
    await device.endAsync();
  });

  it('refuses a 2 MB packet at the MQTT layer: the device is disconnected without PUBACK, others keep publishing', async () => {
    const device = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-huge' });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    let acked = false;
    device.publish(telemetryTopic(vehicleId), Buffer.alloc(2 * 1024 * 1024, 0x61), { qos: 1 }, () => {
      acked = true;
    });
    await closed;
    expect(acked).toBe(false);
    expect(device.connected).toBe(false);
    device.end(true);

    const other = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-after' });
    await other.publishAsync(telemetryTopic('veh-ok'), JSON.stringify(reading('veh-ok')), { qos: 1 });
    const accepted = await readRecords(bridge.kafka, bridge.topics.telemetry, 2);
    expect(accepted.map((r) => r.key?.toString())).toContain('veh-ok');
    // Nothing of the refused packet reached Kafka.
    const dead = await readRecords(bridge.kafka, bridge.topics.dlq, cases.length);
    expect(dead).toHaveLength(cases.length);
    await other.endAsync();
  });
});
