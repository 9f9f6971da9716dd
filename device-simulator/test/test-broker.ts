import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { vehicleIdFromTopic } from '@fleet/contracts';
import { Aedes, type AedesOptions } from 'aedes';

export interface TestBroker {
  url: string;
  /** Telemetry payloads the broker accepted, per vehicle in arrival order. */
  received: Map<string, unknown[]>;
  /** Client ids that published telemetry. */
  publishers: Set<string>;
  close(): Promise<void>;
}

/** An in-process aedes broker on an ephemeral 127.0.0.1 port, recording every telemetry publish. */
export async function startTestBroker(options: AedesOptions = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options);
  const received = new Map<string, unknown[]>();
  const publishers = new Set<string>();
  broker.on('publish', (packet, client) => {
    const vehicleId = vehicleIdFromTopic(packet.topic);
    if (!client || !vehicleId) return;
    publishers.add(client.id);
    const list = received.get(vehicleId) ?? [];
    list.push(JSON.parse(packet.payload.toString()));
    received.set(vehicleId, list);
  });
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    received,
    publishers,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
