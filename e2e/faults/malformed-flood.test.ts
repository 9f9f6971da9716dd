import { DLQ_HEADERS } from '@fleet/contracts';
import { headerString } from '@fleet/runtime';
import { getInfra, uniqueName, waitFor } from '@fleet/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { metricValue } from '../src/metric-value';
import { createCleanup } from './support/cleanup';
import { type FloodMessage, floodMessage, markerOf } from './support/flood-payloads';
import { decodeTelemetry } from './support/outcomes';
import { sampleRss } from './support/process-rss';
import { startTestBridge } from './support/test-bridge';
import { readTopic } from './support/topic-reader';

/**
 * Raw mqtt.js clients flood the bridge as fast as it acknowledges (QoS 1, a window of outstanding
 * publishes per client) with valid readings mixed 1:1 with every kind of bad payload.
 */
const CLIENTS = 4;
const PER_CLIENT = 12_500;
const WINDOW = 500;
const MAX_IN_FLIGHT_RECORDS = 5_000;
const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;
/**
 * RSS the bridge may gain over its idle size while ~80 MiB of over-size payloads (and 50,000
 * messages) pass through: its in-flight bound (8 MiB) plus the V8 heap's working room.
 */
const RSS_GROWTH_LIMIT_MIB = 200;

const cleanup = createCleanup();
afterAll(() => cleanup.run());

async function flood(client: MqttClient, messages: FloodMessage[]): Promise<number> {
  let acked = 0;
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let outstanding = 0;
    const pump = () => {
      while (outstanding < WINDOW && next < messages.length) {
        const message = messages[next++]!;
        outstanding++;
        client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
          if (error) return reject(error);
          outstanding--;
          acked++;
          if (acked === messages.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return acked;
}

describe('a flood of malformed payloads mixed with valid ones at full rate', () => {
  it('valid ones all reach Kafka, bad ones all reach the DLQ with their reason, and the bridge memory stays bounded', async () => {
    const endpoints = getInfra();
    const namespace = uniqueName('faults-flood');
    const bridge = await startTestBridge(endpoints, namespace, {
      MAX_IN_FLIGHT_RECORDS: String(MAX_IN_FLIGHT_RECORDS),
      MAX_IN_FLIGHT_BYTES: String(MAX_IN_FLIGHT_BYTES),
      LOG_LEVEL: 'warn',
    });
    cleanup.add('bridge', () => bridge.service.stop());
    const pid = bridge.service.child.pid!;

    const prefix = `${namespace.slice(-8)}-f`;
    const now = Date.now();
    const plans = Array.from({ length: CLIENTS }, (_, c) =>
      Array.from({ length: PER_CLIENT }, (_, n) => floodMessage(`${prefix}${c}`, n, now)),
    );
    const clients = await Promise.all(plans.map((_, c) => mqtt.connectAsync(bridge.mqttUrl, { clientId: `${prefix}${c}`, protocolVersion: 4 })));
    cleanup.add('clients', () => Promise.all(clients.map((client) => client.endAsync(true))));

    const rss = sampleRss(pid, 250);
    const inFlight: number[] = [];
    const inFlightBytes: number[] = [];
    const gauge = setInterval(() => {
      metricValue(bridge.opsPort, 'bridge_in_flight_records').then((value) => inFlight.push(value), () => undefined);
      metricValue(bridge.opsPort, 'bridge_in_flight_bytes').then((value) => inFlightBytes.push(value), () => undefined);
    }, 250);
    const started = Date.now();
    const acked = await Promise.all(clients.map((client, c) => flood(client, plans[c]!)));
    const seconds = (Date.now() - started) / 1000;
    clearInterval(gauge);
    const samples = rss.stop();
    // Every message got its PUBACK, i.e. was written to Kafka (reading or dead letter).
    expect(acked).toEqual(plans.map((plan) => plan.length));

    const all = plans.flat();
    const valid = new Set(all.filter((message) => message.reason === undefined).map((message) => message.key));
    const bad = new Map(all.filter((message) => message.reason !== undefined).map((message) => [message.key, message.reason]));
    const telemetry = await readTopic(endpoints.kafkaBrokers, bridge.topics.telemetry);
    const dlq = await readTopic(endpoints.kafkaBrokers, bridge.topics.dlq);
    cleanup.add('readers', async () => {
      await telemetry.close();
      await dlq.close();
    });
    await waitFor(() => telemetry.records.length >= valid.size && dlq.records.length >= bad.size, {
      timeoutMs: 60_000,
      intervalMs: 500,
      message: `records missing: telemetry ${telemetry.records.length}/${valid.size}, dlq ${dlq.records.length}/${bad.size}`,
    });

    const readings = await decodeTelemetry(endpoints.registryUrl, telemetry.records);
    expect(new Set(readings.map((reading) => `${reading.vehicleId}#${reading.seq}`))).toEqual(valid);
    const dead = new Map(dlq.records.map((record) => [markerOf(record.value!) ?? '?', record]));
    expect(new Set(dead.keys())).toEqual(new Set(bad.keys()));
    const wrongReason = [...bad].filter(([marker, reason]) => headerString(dead.get(marker)?.headers, DLQ_HEADERS.reason) !== reason);
    expect(wrongReason).toEqual([]);
    expect(dlq.records.every((record) => (headerString(record.headers, DLQ_HEADERS.error) ?? '').length > 0)).toBe(true);

    const rate = Math.round(all.length / seconds);
    console.info(`flood: ${all.length} messages in ${seconds.toFixed(1)} s (${rate}/s); bridge RSS ${samples[0]!.toFixed(0)} → peak ${Math.max(...samples).toFixed(0)} MiB; in-flight peak ${Math.max(0, ...inFlight)} records, ${(Math.max(0, ...inFlightBytes) / 1048576).toFixed(1)} MiB`);
    // The bound plus at most one socket read (≤ 64 KiB) per connection (bridge README, back-pressure).
    expect(Math.max(0, ...inFlight)).toBeLessThanOrEqual(MAX_IN_FLIGHT_RECORDS + CLIENTS * WINDOW);
    expect(Math.max(0, ...inFlightBytes)).toBeLessThanOrEqual(MAX_IN_FLIGHT_BYTES + CLIENTS * 130 * 1024);
    expect(Math.max(...samples) - samples[0]!).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
  });
});
