import { telemetryTopic } from '@fleet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, readRecords, reading, startTestBridge, type TestBridge, telemetryDecoder } from '../support/bridge-harness';
import { testInfra } from '../support/infra';

describe('devices → bridge → Kafka', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge();
  });
  afterAll(async () => {
    await bridge?.app.stop('test done');
  });

  it('delivers exactly the readings sent over TCP and WebSocket, in order per vehicle, as Confluent Avro', async () => {
    const vehicles = ['veh-a', 'veh-b', 'veh-c'];
    const tcp = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-tcp' });
    const ws = await connectDevice(bridge.app.wsPort!, { clientId: 'dev-ws' }, 'ws');
    const sent = new Map<string, Record<string, unknown>[]>(vehicles.map((v) => [v, []]));
    const publishes: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const vehicleId = vehicles[i % 3]!;
      // ISO time for some readings: the bridge normalises it to epoch ms.
      const body = reading(vehicleId, i % 10 === 0 ? { ts: new Date(Date.now() - 1000).toISOString(), rpm: 2100 } : {});
      sent.get(vehicleId)!.push(body);
      // veh-c goes over WebSocket; QoS 0 and 1 mixed.
      const client = vehicleId === 'veh-c' ? ws : tcp;
      publishes.push(client.publishAsync(telemetryTopic(vehicleId), JSON.stringify(body), { qos: i % 2 === 0 ? 1 : 0 }));
    }
    await Promise.all(publishes);

    const records = await readRecords(bridge.kafka, bridge.topics.telemetry, 60);
    expect(records).toHaveLength(60);

    const schemaId = await fetch(`${testInfra().registryUrl}/subjects/${bridge.topics.telemetry}-value/versions/latest`)
      .then((response) => response.json() as Promise<{ id: number }>)
      .then((body) => body.id);
    const decode = telemetryDecoder();
    const received = new Map<string, Record<string, unknown>[]>();
    for (const record of records) {
      const value = record.value!;
      expect(value.readUInt8(0)).toBe(0);
      expect(value.readInt32BE(1)).toBe(schemaId);
      const decoded = await decode(value);
      expect(record.key?.toString()).toBe(decoded.vehicleId);
      received.set(decoded.vehicleId, [...(received.get(decoded.vehicleId) ?? []), decoded as unknown as Record<string, unknown>]);
    }
    for (const vehicleId of vehicles) {
      const expected = sent.get(vehicleId)!;
      const got = received.get(vehicleId)!;
      expect(got.map((r) => r.seq)).toEqual(expected.map((r) => r.seq));
      for (const [index, body] of expected.entries()) {
        const ts = typeof body.ts === 'string' ? Date.parse(body.ts) : body.ts;
        expect(got[index]).toMatchObject({ vehicleId, ts, lat: body.lat, lon: body.lon, speedKph: body.speedKph, rpm: body.rpm ?? null });
      }
    }
    await tcp.endAsync();
    await ws.endAsync();
  });

  it('reports ready and exposes metrics', async () => {
    const ready = await fetch(`http://127.0.0.1:${bridge.app.opsPort}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${bridge.app.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/bridge_readings_accepted_total\{service="bridge"\} \d+/);
    expect(metrics).toContain('bridge_produce_latency_seconds_bucket');
  });
});
