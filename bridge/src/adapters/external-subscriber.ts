import { TELEMETRY_TOPIC_FILTER } from '@fleet/contracts';
import type { Logger } from '@fleet/runtime';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ExternalMqttConfig } from '../config';
import type { Ingest } from './ingest';
import { MAX_PACKET_BYTES } from './packet-limits';
import { PubackGate } from './puback-gate';

export interface ExternalSubscriber {
  client: MqttClient;
  isConnected(): boolean;
  /** Stop taking new messages (they stay at the broker, un-acknowledged). */
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

export function subscriptionFilter(config: Pick<ExternalMqttConfig, 'sharedGroup'>): string {
  return config.sharedGroup === '' ? TELEMETRY_TOPIC_FILTER : `$share/${config.sharedGroup}/${TELEMETRY_TOPIC_FILTER}`;
}

/**
 * Subscribes to an external broker with a persistent session (clean: false, stable client id) so
 * messages queued while the bridge is down are delivered when it is back, and (MQTT 5) a shared
 * subscription so several bridges split the load. QoS 1 PUBACKs go out after the Kafka ack.
 */
export async function startExternalSubscriber(options: {
  config: ExternalMqttConfig;
  ingest: Ingest;
  log: Logger;
}): Promise<ExternalSubscriber> {
  const { config, ingest, log } = options;
  const clientOptions: IClientOptions = {
    clientId: config.clientId,
    clean: false,
    protocolVersion: config.protocolVersion,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
    ...(config.protocolVersion === 5
      ? // Session kept for a day; the broker must not send packets above the bridge's limit.
        { properties: { sessionExpiryInterval: 86_400, maximumPacketSize: MAX_PACKET_BYTES, receiveMaximum: 2000 } }
      : {}),
  };
  const client = mqtt.connect(config.url, { ...clientOptions, manualConnect: true });
  const gate = new PubackGate(client);
  const filter = subscriptionFilter(config);
  let accepting = true;

  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    if (!accepting) return; // never call back: no PUBACK, nothing more read; the broker keeps it
    const message = {
      topic: packet.topic,
      payload: packet.payload as Buffer,
      clientId: config.clientId,
      receivedAt: Date.now(),
    };
    const ack = packet.qos > 0 && packet.messageId !== undefined ? gate.hold(packet.messageId) : () => {};
    ingest.submit(message, ack);
    // Holding the callback stops mqtt.js from handling (and reading) further packets.
    if (ingest.hasCapacity()) callback();
    else ingest.whenCapacity(() => callback());
  };

  let subscribed!: () => void;
  const firstSubscription = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  client.on('connect', (connack) => {
    log.info({ url: config.url, sessionPresent: connack.sessionPresent, filter }, 'connected to the MQTT broker');
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) log.error({ err: error, filter }, 'subscription failed');
      else subscribed();
    });
  });
  client.on('error', (error) => log.warn({ err: error }, 'MQTT client error'));
  client.on('offline', () => log.warn({ url: config.url }, 'MQTT broker unreachable; reconnecting'));

  // Resolves on the first successful subscription; while the broker is unreachable mqtt.js keeps
  // reconnecting and readiness stays false.
  client.connect();
  await firstSubscription;

  return {
    client,
    isConnected: () => client.connected && accepting,
    async stopAccepting() {
      accepting = false;
    },
    async close() {
      await client.endAsync();
    },
  };
}
