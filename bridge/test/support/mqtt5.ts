import { telemetryTopic } from '@fleet/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { reading } from './bridge-harness';

/** The protocol level of an MQTT CONNECT packet at the start of `chunk` (4 = 3.1.1, 5 = MQTT 5). */
export function connectProtocolLevel(chunk: Buffer): number | undefined {
  if (chunk.length < 2 || chunk[0] !== 0x10) return undefined;
  let offset = 1;
  while (offset < 5 && (chunk[offset]! & 0x80) !== 0) offset++; // remaining length (variable byte integer)
  offset++;
  if (chunk.length < offset + 2) return undefined;
  const nameLength = chunk.readUInt16BE(offset); // protocol name "MQTT", then the level byte
  return chunk[offset + 2 + nameLength];
}

/** A device-side MQTT 5 client of the broker. */
export function connectMqtt5(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 5, clientId, reconnectPeriod: 0, connectTimeout: 20_000 });
}

/** One reading for each of `count` publishes, round-robin over the vehicles; `id` = vehicleId#seq. */
export function readingsFor(vehicles: readonly string[], count: number) {
  return Array.from({ length: count }, (_, i) => {
    const body = reading(vehicles[i % vehicles.length]!);
    return { id: `${body.vehicleId}#${body.seq}`, vehicleId: body.vehicleId as string, body };
  });
}

/**
 * Publishes at QoS 1, at most `window` awaiting their PUBACK at a time (below the broker's receive
 * maximum). Resolves once the broker acknowledged all of them.
 */
export async function publishAll(
  client: MqttClient,
  readings: readonly { vehicleId: string; body: Record<string, unknown> }[],
  window = 200,
): Promise<void> {
  for (let start = 0; start < readings.length; start += window) {
    await Promise.all(
      readings
        .slice(start, start + window)
        .map(({ vehicleId, body }) => client.publishAsync(telemetryTopic(vehicleId), JSON.stringify(body), { qos: 1 })),
    );
  }
}

/**
 * Ends a persistent session at the broker (clean start, then no session expiry): a bridge that
 * is gone for good would otherwise keep being sent its share of the shared subscription.
 */
export async function endMqttSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId,
    clean: true,
    reconnectPeriod: 0,
    properties: { sessionExpiryInterval: 0 },
  });
  await client.endAsync();
}

/** Sum of a counter's series on the bridge's /metrics (all label sets, or those containing `label`). */
export async function counterValue(opsPort: number, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').includes(label)) sum += Number(match[3]);
  }
  return sum;
}
