import { TOPICS } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { loadBridgeConfig } from '../src/config';

describe('loadBridgeConfig', () => {
  it('defaults to the local infrastructure and an embedded broker', () => {
    const config = loadBridgeConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.registryUrl).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(config.topics).toEqual({ telemetry: TOPICS.telemetry, dlq: TOPICS.telemetryDlq });
    expect(config.mqtt).toEqual({
      mode: 'embedded',
      embedded: { host: '127.0.0.1', port: 1883, wsPort: 8883, deviceAuthKey: null, maxPendingPerClient: 1000 },
    });
    expect(config.ops).toEqual({ host: '127.0.0.1', port: 9101 });
  });

  it('switches to an external broker with a shared subscription', () => {
    const config = loadBridgeConfig({ MQTT_URL: 'mqtt://broker.local:1883', MQTT_CLIENT_ID: 'bridge-a' });
    expect(config.mqtt).toMatchObject({
      mode: 'external',
      external: { url: 'mqtt://broker.local:1883', clientId: 'bridge-a', sharedGroup: 'fleet-bridge', protocolVersion: 5 },
    });
  });

  it('explains every invalid variable', () => {
    expect(() =>
      loadBridgeConfig({ MQTT_PORT: '70000', DEVICE_AUTH: 'true', BATCH_LINGER_MS: 'soon', MQTT_URL: 'http://x' }),
    ).toThrowError(/MQTT_URL: must be a URL[\s\S]*MQTT_PORT: must be a port number[\s\S]*BATCH_LINGER_MS/);
    expect(() => loadBridgeConfig({ DEVICE_AUTH: 'true' })).toThrowError(/DEVICE_AUTH_KEY: is required when DEVICE_AUTH is on/);
    expect(() => loadBridgeConfig({ MQTT_URL: 'mqtt://x:1883', MQTT_PROTOCOL_VERSION: '4' })).toThrowError(/MQTT_SHARED_GROUP/);
  });
});
