import { createServer, type Server } from 'node:net';
import { telemetryTopic } from '@fleet/contracts';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDevice,
  kafkaViaProxy,
  readRecords,
  reading,
  recordCount,
  startTestBridge,
  telemetryDecoder,
} from '../support/bridge-harness';
import { testInfra, uniqueName, waitUntil } from '../support/infra';
import { startTcpProxy } from '../support/tcp-proxy';

// A real MQTT broker the bridge subscribes to. aedes speaks MQTT 3.1.1 only, so these runs use
// protocol 4 without a shared subscription; the MQTT 5 path (shared subscription, two instances)
// runs against the infrastructure's MQTT 5 broker in external-shared-subscription.test.ts.
describe('external broker mode', () => {
  let broker: Aedes;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    server.close();
  });

  it('subscribes with a persistent session: readings queued while the bridge was down arrive after a restart', async () => {
    const env = {
      MQTT_URL: `mqtt://127.0.0.1:${port}`,
      MQTT_CLIENT_ID: uniqueName('bridge'),
      MQTT_PROTOCOL_VERSION: '4',
      MQTT_SHARED_GROUP: '',
    };
    const first = await startTestBridge(env);
    const device = await connectDevice(port, { clientId: 'dev-ext' });
    const sent: number[] = [];
    const publish = async () => {
      const body = reading('veh-ext');
      sent.push(body.seq as number);
      await device.publishAsync(telemetryTopic('veh-ext'), JSON.stringify(body), { qos: 1 });
    };
    for (let i = 0; i < 20; i++) await publish();
    await readRecords(first.kafka, first.topics.telemetry, 20);
    await first.app.stop('restart');

    // Bridge down: the broker keeps these for the bridge's session.
    for (let i = 0; i < 20; i++) await publish();

    const second = await startTestBridge({ ...env, TELEMETRY_TOPIC: first.topics.telemetry, DLQ_TOPIC: first.topics.dlq });
    try {
      const records = await readRecords(second.kafka, first.topics.telemetry, 40);
      const decode = telemetryDecoder();
      const seqs: number[] = [];
      for (const record of records) seqs.push((await decode(record.value!)).seq!);
      expect(new Set(seqs)).toEqual(new Set(sent));
      const firstSeen = seqs.filter((seq, index) => seqs.indexOf(seq) === index);
      expect(firstSeen).toEqual(sent);
    } finally {
      await device.endAsync();
      await second.app.stop('test done');
    }
  });

  it('acknowledges a message to the broker only after its record is in Kafka', async () => {
    const [host, kafkaPort] = testInfra().kafkaBrokers[0]!.split(':');
    const proxy = await startTcpProxy({ host: host!, port: Number(kafkaPort) });
    const clientId = uniqueName('bridge');
    const bridge = await startTestBridge(
      { MQTT_URL: `mqtt://127.0.0.1:${port}`, MQTT_CLIENT_ID: clientId, MQTT_PROTOCOL_VERSION: '4', MQTT_SHARED_GROUP: '' },
      kafkaViaProxy(proxy.port, 'bridge-external'),
    );
    const acksFromBridge: number[] = [];
    const onAck = (_packet: unknown, client: { id: string }) => {
      if (client.id === clientId) acksFromBridge.push(Date.now());
    };
    broker.on('ack', onAck);
    const device = await connectDevice(port, { clientId: 'dev-ext-ack' });
    try {
      await device.publishAsync(telemetryTopic('veh-x'), JSON.stringify(reading('veh-x')), { qos: 1 });
      await waitUntil(() => acksFromBridge.length === 1, 'the bridge PUBACK');
      expect(await recordCount(bridge.kafka, bridge.topics.telemetry)).toBe(1);

      proxy.cut();
      await device.publishAsync(telemetryTopic('veh-x'), JSON.stringify(reading('veh-x')), { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(acksFromBridge).toHaveLength(1);
      proxy.restore();
      await waitUntil(() => acksFromBridge.length === 2, 'the bridge PUBACK after recovery');
      expect(await recordCount(bridge.kafka, bridge.topics.telemetry)).toBe(2);
    } finally {
      broker.off('ack', onAck);
      proxy.restore();
      await device.endAsync();
      await bridge.app.stop('test done');
      await proxy.close();
    }
  });
});
