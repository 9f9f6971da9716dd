import { telemetryTopic } from '@fleet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDevice,
  kafkaViaProxy,
  readRecords,
  reading,
  recordCount,
  startTestBridge,
  type TestBridge,
  telemetryDecoder,
} from '../support/bridge-harness';
import { testInfra, waitUntil } from '../support/infra';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PUBACK only after Kafka, back-pressure and recovery', () => {
  let bridge: TestBridge;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const [host, port] = testInfra().kafkaBrokers[0]!.split(':');
    proxy = await startTcpProxy({ host: host!, port: Number(port) });
    bridge = await startTestBridge({ MAX_IN_FLIGHT_RECORDS: '200' }, kafkaViaProxy(proxy.port, 'bridge-under-test'));
  });
  afterAll(async () => {
    proxy?.restore();
    await bridge?.app.stop('test done');
    await proxy?.close();
  });

  it('a QoS 1 publish completes only once its record is readable in Kafka', async () => {
    const device = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-puback' });
    const topic = bridge.topics.telemetry;
    const before = await recordCount(bridge.kafka, topic);
    for (let i = 1; i <= 10; i++) {
      await device.publishAsync(telemetryTopic('veh-ack'), JSON.stringify(reading('veh-ack')), { qos: 1 });
      // PUBACK received → the record is already below the high watermark (acks=all).
      expect(await recordCount(bridge.kafka, topic)).toBe(before + i);
    }

    proxy.cut();
    let acked = false;
    const pending = device.publishAsync(telemetryTopic('veh-ack'), JSON.stringify(reading('veh-ack')), { qos: 1 }).then(() => {
      acked = true;
    });
    await sleep(3000);
    expect(acked).toBe(false);
    expect(await recordCount(bridge.kafka, topic)).toBe(before + 10);
    proxy.restore();
    await pending;
    expect(await recordCount(bridge.kafka, topic)).toBe(before + 11);
    await device.endAsync();
  });

  it('Kafka unreachable while publishing: not ready, bounded memory, and every PUBACKed reading is in Kafka in per-vehicle order', async () => {
    const vehicles = ['veh-o1', 'veh-o2', 'veh-o3'];
    const qos1 = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-outage-1' });
    const qos0 = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-outage-0' });
    const acked: { vehicleId: string; seq: number }[] = [];
    const publishes: Promise<unknown>[] = [];
    const sentQos0: number[] = [];
    let running = true;
    let peakInFlight = 0;
    let sawNotReady = false;
    const publisher = (async () => {
      for (let i = 0; running; i++) {
        const vehicleId = vehicles[i % vehicles.length]!;
        const body = reading(vehicleId);
        const seq = body.seq as number;
        publishes.push(
          qos1.publishAsync(telemetryTopic(vehicleId), JSON.stringify(body), { qos: 1 }).then(
            () => acked.push({ vehicleId, seq }),
            () => {},
          ),
        );
        const body0 = reading('veh-q0');
        sentQos0.push(body0.seq as number);
        qos0.publish(telemetryTopic('veh-q0'), JSON.stringify(body0), { qos: 0 });
        peakInFlight = Math.max(peakInFlight, bridge.app.batcher.inFlightRecords);
        await sleep(2);
      }
    })();

    await sleep(500);
    proxy.cut();
    const cutAt = acked.length;
    const samples: number[] = [];
    for (let t = 0; t < 40; t++) {
      await sleep(100);
      samples.push(bridge.app.batcher.inFlightRecords);
      peakInFlight = Math.max(peakInFlight, bridge.app.batcher.inFlightRecords);
      if ((await fetch(`http://127.0.0.1:${bridge.app.opsPort}/readyz`)).status === 503) sawNotReady = true;
    }
    const ackedDuringOutage = acked.length - cutAt;
    proxy.restore();
    await sleep(1000);
    running = false;
    await publisher;
    await waitUntil(async () => {
      await Promise.race([Promise.all(publishes), sleep(200)]);
      return bridge.app.batcher.inFlightRecords === 0 && acked.length === publishes.length;
    }, 'all publishes acknowledged after recovery', 45_000);

    expect(sawNotReady).toBe(true);
    // A few PUBACKs may land right after the cut (records already written); none for long.
    expect(ackedDuringOutage).toBeLessThan(50);
    // Bounded: reading stopped, so the queue stops growing while publishers keep going ...
    expect(Math.max(...samples.slice(20))).toBe(Math.max(...samples.slice(10, 20)));
    // ... at the in-flight bound (200) plus at most one socket read (≤ 64 KiB) per connection.
    expect(peakInFlight).toBeLessThan(200 + 2 * 600);

    const decode = telemetryDecoder();
    const total = await recordCount(bridge.kafka, bridge.topics.telemetry);
    const records = await readRecords(bridge.kafka, bridge.topics.telemetry, total, 60_000);
    const inKafka = new Map<string, number[]>();
    for (const record of records) {
      const decoded = await decode(record.value!);
      inKafka.set(decoded.vehicleId, [...(inKafka.get(decoded.vehicleId) ?? []), decoded.seq!]);
    }
    for (const { vehicleId, seq } of acked) expect(inKafka.get(vehicleId)).toContain(seq);
    for (const [vehicleId, seqs] of inKafka) {
      const firstSeen = seqs.filter((seq, index) => seqs.indexOf(seq) === index);
      expect(firstSeen, `order of ${vehicleId}`).toEqual([...firstSeen].sort((a, b) => a - b));
    }
    // QoS 0 has no PUBACK, yet nothing queued in the bridge was dropped while Kafka was away.
    expect(new Set(inKafka.get('veh-q0'))).toEqual(new Set(sentQos0));
    await qos1.endAsync();
    await qos0.endAsync();
  }, 120_000);
});
