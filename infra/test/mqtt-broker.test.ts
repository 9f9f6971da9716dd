import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { mochiVersion } from '../src/services/mqtt-broker';

describe('mqtt broker (mochi-mqtt, MQTT 5)', () => {
  const { mqttUrl } = getInfra();
  const clients: MqttClient[] = [];
  const connect = async (options: IClientOptions = {}) => {
    const client = await mqtt.connectAsync(mqttUrl, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync()));
  });

  it('reads the pinned mochi-mqtt version from go.mod', () => {
    expect(mochiVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(mochiVersion('require github.com/mochi-mqtt/server/v2 v2.7.9\n')).toBe('2.7.9');
  });

  it('speaks MQTT 5 and splits a shared subscription between its members, each message once', async () => {
    const prefix = uniqueName('infra-share');
    const group = uniqueName('group');
    const received = new Map<string, string[]>();
    for (const name of ['a', 'b']) {
      const member = await connect({ clientId: uniqueName(`member-${name}`) });
      received.set(name, []);
      member.on('message', (_topic, payload) => received.get(name)!.push(payload.toString()));
      const granted = await member.subscribeAsync(`$share/${group}/${prefix}/+`, { qos: 1 });
      expect(granted[0]?.qos).toBe(1);
    }
    const publisher = await connect({ clientId: uniqueName('publisher') });
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((body, i) => publisher.publishAsync(`${prefix}/v${i % 10}`, body, { qos: 1 })));

    const all = () => [...received.values()].flat();
    await waitFor(() => all().length >= sent.length, { message: 'every message delivered to the group' });
    expect(all().sort()).toEqual([...sent].sort());
    expect(received.get('a')!.length).toBeGreaterThan(0);
    expect(received.get('b')!.length).toBeGreaterThan(0);
  });

  it('keeps a persistent session: messages published while the subscriber is away arrive when it is back', async () => {
    const topic = `${uniqueName('infra-session')}/t`;
    const clientId = uniqueName('session');
    const session = { clientId, clean: false, properties: { sessionExpiryInterval: 300 } };
    const first = await connect(session);
    await first.subscribeAsync(topic, { qos: 1 });
    await first.endAsync();

    const publisher = await connect({ clientId: uniqueName('publisher') });
    for (let i = 0; i < 5; i++) await publisher.publishAsync(topic, `queued-${i}`, { qos: 1 });

    const messages: string[] = [];
    const second = mqtt.connect(mqttUrl, { protocolVersion: 5, reconnectPeriod: 0, ...session });
    clients.push(second);
    second.on('message', (_topic, payload) => messages.push(payload.toString()));
    await waitFor(() => messages.length >= 5, { message: 'queued messages after reconnecting' });
    // All of them, but not necessarily in publish order: mochi resends a session's queue sorted by
    // the second each message was queued in, in map order within that second (see README).
    expect([...messages].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `queued-${i}`));
  });
});
