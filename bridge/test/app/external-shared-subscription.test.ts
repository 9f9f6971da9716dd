import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCount, startTestBridge, type TestBridge } from '../support/bridge-harness';
import { testInfra, uniqueName, waitUntil } from '../support/infra';
import {
  connectMqtt5,
  connectProtocolLevel,
  counterValue,
  endMqttSession,
  publishAll,
  readingsFor,
} from '../support/mqtt5';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { collectTelemetry, type TelemetryCollector } from '../support/telemetry-collector';

const accepted = (bridge: TestBridge) => counterValue(bridge.app.opsPort, 'bridge_readings_accepted_total');
const produced = (bridge: TestBridge) => counterValue(bridge.app.opsPort, 'bridge_records_produced_total', 'kind="telemetry"');

// Two bridge instances in external mode behind the local MQTT 5 broker (mochi-mqtt), one shared
// subscription group, real Kafka and registry. The broker is shared by every test run on this
// machine and the topic filter is fixed (vehicles/+/telemetry), so assertions look only at this
// file's vehicles (unique prefix); another run's readings may also land in these topics.
describe('external MQTT 5 broker: shared subscription over several bridge instances', () => {
  const { mqttUrl } = testInfra();
  const group = uniqueName('bridge-group');
  const clientIds = { a: uniqueName('bridge-a'), b: uniqueName('bridge-b') };
  const vehicles = Array.from({ length: 150 }, (_, i) => `${uniqueName('shv')}-${i}`);
  const vehicleSet = new Set(vehicles);
  const ours = (id: string) => vehicleSet.has(id.slice(0, id.indexOf('#')));
  const connectLevels: number[] = [];
  let proxy: TcpProxy;
  let a: TestBridge;
  let b: TestBridge;
  let device: MqttClient;
  let collector: TelemetryCollector;
  const started: TestBridge[] = [];

  const env = (clientId: string, url = mqttUrl) => ({ MQTT_URL: url, MQTT_CLIENT_ID: clientId, MQTT_SHARED_GROUP: group });
  const startBridge = async (clientId: string, url?: string, topics?: TestBridge['topics']) => {
    const bridge = await startTestBridge({
      ...env(clientId, url),
      ...(topics ? { TELEMETRY_TOPIC: topics.telemetry, DLQ_TOPIC: topics.dlq } : {}),
    });
    started.push(bridge);
    return bridge;
  };
  /** Readings of this file in the topic, by id, with how often each arrived. */
  const arrived = () => {
    const counts = new Map<string, number>();
    for (const { id } of collector.readings) if (ours(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };

  beforeAll(async () => {
    const broker = new URL(mqttUrl);
    // Instance A reaches the broker through a proxy that reads its CONNECT packet.
    proxy = await startTcpProxy({ host: broker.hostname, port: Number(broker.port || 1883) }, (chunk) => {
      const level = connectProtocolLevel(chunk);
      if (level !== undefined) connectLevels.push(level);
    });
    a = await startBridge(clientIds.a, `mqtt://127.0.0.1:${proxy.port}`);
    b = await startBridge(clientIds.b, mqttUrl, a.topics);
    device = await connectMqtt5(mqttUrl, uniqueName('device'));
    collector = await collectTelemetry(a.kafka, a.topics.telemetry);
  });
  afterAll(async () => {
    await device?.endAsync();
    for (const bridge of started) await bridge.app.stop('test done');
    await collector?.stop();
    await proxy?.close();
    // The sessions are persistent (a day): end them so the broker stops queueing for them.
    for (const clientId of Object.values(clientIds)) await endMqttSession(mqttUrl, clientId);
  });

  it('connects with MQTT 5 when a shared group is configured', () => {
    expect(a.config.mqtt).toMatchObject({ mode: 'external', external: { protocolVersion: 5, sharedGroup: group } });
    expect(connectLevels.length).toBeGreaterThan(0);
    expect(new Set(connectLevels)).toEqual(new Set([5]));
  });

  it('splits QoS 1 readings of many vehicles between both instances; every reading arrives, none extra', async () => {
    const sent = readingsFor(vehicles, 3000);
    await publishAll(device, sent);

    await waitUntil(() => arrived().size === sent.length, 'every reading in Kafka', 60_000);
    // Everything the bridges wrote is read (the consumer caught up with the high watermarks).
    const total = await recordCount(a.kafka, a.topics.telemetry);
    await waitUntil(() => collector.readings.length >= total, 'the collector at the end of the topic');

    const counts = arrived();
    expect(new Set(counts.keys())).toEqual(new Set(sent.map((r) => r.id)));
    // At-least-once: a reading may come twice (a redelivery), never a reading that was not sent.
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBeLessThan(sent.length * 0.05);
    expect(collector.readings.filter((r) => ours(r.id)).every((r) => r.key === r.vehicleId)).toBe(true);
    expect(await recordCount(a.kafka, a.topics.dlq)).toBe(0);

    // Both instances took a real share, and together they accepted (and produced) every reading.
    const shares = { a: await accepted(a), b: await accepted(b) };
    expect(shares.a).toBeGreaterThan(sent.length * 0.1);
    expect(shares.b).toBeGreaterThan(sent.length * 0.1);
    expect(shares.a + shares.b).toBeGreaterThanOrEqual(sent.length);
    expect(await produced(a)).toBeGreaterThan(0);
    expect(await produced(b)).toBeGreaterThan(0);
  });

  it('keeps a stopped instance’s share in its persistent session and delivers it when it is back', async () => {
    await a.app.stop('restart');
    const sent = readingsFor(vehicles, 1000);
    const ids = new Set(sent.map((r) => r.id));
    const arrivedOfPhase = () => [...arrived().keys()].filter((id) => ids.has(id)).length;
    const acceptedByB = await accepted(b);
    await publishAll(device, sent);

    // The broker keeps A's disconnected session in the group (mochi-mqtt picks a member per
    // message, connected or not): A's share waits in that session instead of going to B. Settled
    // = for a whole second B took nothing more, had nothing in flight and Kafka showed nothing new.
    let previous = { arrived: -1, acceptedByB: -1 };
    await waitUntil(
      async () => {
        const now = { arrived: arrivedOfPhase(), acceptedByB: await accepted(b) };
        const settled =
          now.arrived > 0 &&
          now.arrived === previous.arrived &&
          now.acceptedByB === previous.acceptedByB &&
          b.app.batcher.inFlightRecords === 0;
        previous = now;
        if (!settled) await new Promise((resolve) => setTimeout(resolve, 1_000));
        return settled;
      },
      'instance B done with its share',
      60_000,
    );
    const beforeRestart = arrivedOfPhase();
    expect((await accepted(b)) - acceptedByB).toBeGreaterThanOrEqual(beforeRestart);
    expect(beforeRestart).toBeGreaterThan(sent.length * 0.1);
    expect(beforeRestart).toBeLessThan(sent.length);

    // Same client id, clean: false: the broker resumes the session and sends what it kept.
    const restarted = await startBridge(clientIds.a, mqttUrl, a.topics);
    await waitUntil(() => arrivedOfPhase() === sent.length, 'the queued share after the restart', 60_000);
    expect(await accepted(restarted)).toBeGreaterThanOrEqual(sent.length - beforeRestart);
    const counts = arrived();
    expect(sent.every((r) => (counts.get(r.id) ?? 0) >= 1)).toBe(true);
  });
});
