import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@fleet/runtime';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { mayPublish, verifyDevice } from '../domain/device-auth';
import type { BridgeMetrics } from './bridge-metrics';
import type { Ingest } from './ingest';
import { MAX_PACKET_BYTES } from './packet-limits';
import { guardPacketSize } from './packet-size-guard';
import { ReadGate } from './read-gate';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  wsPort: number | null;
  /** null = device authentication off. */
  deviceAuthKey: string | null;
  /** Records of one connection not yet acknowledged by Kafka before the bridge stops reading it. */
  maxPendingPerClient: number;
  ingest: Ingest;
  metrics: BridgeMetrics;
  log: Logger;
}

export interface EmbeddedBroker {
  /** Bound ports (useful when 0 asked for ephemeral ones). */
  port: number;
  wsPort: number | null;
  isListening(): boolean;
  /** Stop accepting connections and new messages; in-flight ones still get their PUBACK. */
  stopAccepting(): Promise<void>;
  /** Disconnect every client and close the broker. */
  close(): Promise<void>;
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function authError(): AuthenticateError {
  const error = new Error('bad user name or password') as AuthenticateError;
  error.returnCode = 4;
  return error;
}

/**
 * An aedes broker devices connect to over TCP and WebSocket. Each PUBLISH goes through
 * authorizePublish, whose callback aedes waits for before it writes PUBACK (QoS 1) or PUBREC
 * (QoS 2): the bridge calls it back only when Kafka acknowledged the record. A ReadGate per
 * connection stops reading the socket while the bridge is saturated (back-pressure).
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { ingest, metrics, log, deviceAuthKey } = options;
  const vehicleOf = new WeakMap<Client, string>();
  const gates = new WeakMap<Client, ReadGate>();
  const streams = new Set<Duplex>();
  let accepting = true;
  let listening = false;

  const aedes = await Aedes.createBroker({
    // Nothing to retain for a telemetry ingress; the heartbeat only matters in a broker cluster.
    heartbeatInterval: 60_000,
    authenticate: (client, username, password, done) => {
      if (deviceAuthKey === null) return done(null, true);
      if (verifyDevice(deviceAuthKey, username, password) && username !== undefined) {
        vehicleOf.set(client, username);
        return done(null, true);
      }
      metrics.unauthorized('connect');
      done(authError(), false);
    },
    authorizePublish: (client, packet, done) => {
      if (client === null) return done(null); // will messages replayed by the broker itself
      // After stopAccepting the gates read nothing more; packets already parsed are still taken
      // and drained, so their devices get PUBACKs before the connections close.
      if (deviceAuthKey !== null) {
        const vehicleId = vehicleOf.get(client);
        if (vehicleId === undefined || !mayPublish(vehicleId, packet.topic)) {
          metrics.unauthorized('publish');
          return done(new Error(`device may not publish to ${packet.topic}`));
        }
      }
      const gate = gates.get(client);
      gate?.submitted();
      const message = { topic: packet.topic, payload: packet.payload as Buffer, clientId: client.id, receivedAt: Date.now() };
      if (packet.qos === 0) {
        ingest.submit(message, () => gate?.acknowledged());
        return done(null);
      }
      // aedes writes PUBACK (QoS 1) / PUBREC (QoS 2) only after this callback: after the Kafka ack.
      ingest.submit(message, (error) => {
        gate?.acknowledged();
        done(error ?? null);
      });
    },
    authorizeSubscribe: (_client, subscription, done) => {
      if (deviceAuthKey === null) return done(null, subscription);
      // Devices only publish; refusing subscriptions keeps one device from reading another's data.
      metrics.unauthorized('subscribe');
      done(null, null);
    },
  });

  aedes.on('client', () => metrics.setClients(aedes.connectedClients));
  aedes.on('clientDisconnect', () => metrics.setClients(aedes.connectedClients));
  let guardWarned = false;
  const handle = (stream: Duplex, req?: Parameters<Aedes['handle']>[1]) => {
    const gate = new ReadGate(stream, options.maxPendingPerClient, ingest.hasCapacity, ingest.whenCapacity, metrics.backpressure, () => !accepting);
    const client = aedes.handle(stream, req);
    gates.set(client, gate);
    streams.add(stream);
    stream.once('close', () => streams.delete(stream));
    if (!guardPacketSize(client, MAX_PACKET_BYTES) && !guardWarned) {
      guardWarned = true;
      log.error('this aedes version has an unexpected parser: oversized packets are not refused early');
    }
  };

  const tcp = createTcpServer((socket: Socket) => {
    socket.setNoDelay(true);
    handle(socket);
  });
  const port = await listen(tcp, options.port, options.host);

  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  let wsPort: number | null = null;
  if (options.wsPort !== null) {
    http = createHttpServer();
    // The WebSocket frame limit refuses oversized MQTT-over-WS packets before they are buffered.
    wss = new WebSocketServer({ server: http, maxPayload: MAX_PACKET_BYTES + 8 });
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      handle(stream, req);
    });
    wsPort = await listen(http, options.wsPort, options.host);
  }
  listening = true;
  log.info({ host: options.host, port, wsPort, deviceAuth: deviceAuthKey !== null }, 'embedded MQTT broker listening');

  return {
    port,
    wsPort,
    isListening: () => listening && accepting,
    async stopAccepting() {
      accepting = false;
      const closing = [closeServer(tcp)];
      if (http) closing.push(closeServer(http));
      wss?.close();
      // server.close() waits for open connections; they are ended by close() below.
      void Promise.all(closing).then(() => {
        listening = false;
      });
    },
    async close() {
      accepting = false;
      listening = false;
      // Let the last PUBACKs reach the devices before aedes destroys the sockets.
      const deadline = Date.now() + 2000;
      while ([...streams].some((stream) => stream.writableLength > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const client of wss?.clients ?? []) client.terminate();
      tcp.close();
      http?.close();
    },
  };
}
