import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

/**
 * A standalone MQTT broker (aedes, MQTT 3.1.1) in the test process: devices publish to it, the
 * bridge subscribes to it with a persistent session. Its session store (aedes-persistence, in
 * memory) outlives the bridge, so messages for the bridge's session queue here while it is down.
 */
export interface ExternalBroker {
  url: string;
  close(): Promise<void>;
}

export async function startExternalBroker(): Promise<ExternalBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
