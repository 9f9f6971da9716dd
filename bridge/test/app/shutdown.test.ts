import { telemetryTopic } from '@fleet/contracts';
import { describe, expect, it } from 'vitest';
import { connectDevice, reading, recordCount, startTestBridge } from '../support/bridge-harness';
import { waitUntil } from '../support/infra';

describe('graceful shutdown', () => {
  it('stops accepting, drains in-flight records (their PUBACKs go out), then disconnects', async () => {
    // A long linger keeps records in flight when the shutdown starts.
    const bridge = await startTestBridge({ BATCH_LINGER_MS: '1000' });
    const device = await connectDevice(bridge.app.mqttPort!, { clientId: 'dev-shutdown' });
    const acked: number[] = [];
    const publishes = Array.from({ length: 200 }, (_, i) =>
      device.publishAsync(telemetryTopic('veh-s'), JSON.stringify(reading('veh-s')), { qos: 1 }).then(
        () => acked.push(i),
        () => {},
      ),
    );
    await waitUntil(() => bridge.app.batcher.inFlightRecords > 0, 'records in flight', 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const inFlight = bridge.app.batcher.inFlightRecords;
    expect(acked).toHaveLength(0);

    await bridge.app.stop('test');
    await Promise.race([Promise.all(publishes), new Promise((resolve) => setTimeout(resolve, 2000))]);
    // Every record in flight when the shutdown began was written and acknowledged ...
    expect(acked.length).toBeGreaterThanOrEqual(inFlight);
    expect(await recordCount(bridge.kafka, bridge.topics.telemetry)).toBe(acked.length);
    // (anything not read before the shutdown got no PUBACK: the device keeps it for its next connection)
    expect(device.connected).toBe(false);
    device.end(true);
  });
});
