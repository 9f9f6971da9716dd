import { telemetryTopic } from '@fleet/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceSecret } from '../../src/domain/device-auth';
import { connectDevice, readRecords, reading, recordCount, startTestBridge, type TestBridge } from '../support/bridge-harness';

const KEY = 'test-master-key-0123456789abcdef';

describe('device authentication on', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({ DEVICE_AUTH: 'true', DEVICE_AUTH_KEY: KEY });
  });
  afterAll(async () => {
    await bridge?.app.stop('test done');
  });

  it('refuses a wrong secret and an unknown device', async () => {
    await expect(connectDevice(bridge.app.mqttPort!, { username: 'veh-1', password: 'wrong' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await expect(connectDevice(bridge.app.mqttPort!, { username: 'veh-1', password: deviceSecret(KEY, 'veh-2') })).rejects.toThrow();
    await expect(connectDevice(bridge.app.mqttPort!, {})).rejects.toThrow();
  });

  it('lets a device publish its own telemetry but not as another vehicle, nor subscribe', async () => {
    const own = await connectDevice(bridge.app.mqttPort!, { username: 'veh-1', password: deviceSecret(KEY, 'veh-1') });
    await own.publishAsync(telemetryTopic('veh-1'), JSON.stringify(reading('veh-1')), { qos: 1 });
    // SUBACK 0x80: devices may not subscribe (mqtt.js reports it as an error).
    await expect(own.subscribeAsync('vehicles/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);

    const closed = new Promise<void>((resolve) => own.once('close', () => resolve()));
    let acked = false;
    own.publish(telemetryTopic('veh-2'), JSON.stringify(reading('veh-2')), { qos: 1 }, (error) => {
      if (!error) acked = true;
    });
    await closed;
    expect(acked).toBe(false);
    own.end(true);

    const accepted = await readRecords(bridge.kafka, bridge.topics.telemetry, 1);
    expect(accepted.map((r) => r.key?.toString())).toEqual(['veh-1']);
    expect(await recordCount(bridge.kafka, bridge.topics.telemetry)).toBe(1);
    expect(await recordCount(bridge.kafka, bridge.topics.dlq)).toBe(0);
    const metrics = await (await fetch(`http://127.0.0.1:${bridge.app.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/bridge_unauthorized_total\{kind="publish",service="bridge"\} 1/);
  });
});
