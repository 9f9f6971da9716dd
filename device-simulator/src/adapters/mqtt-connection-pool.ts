import { connect, type MqttClient } from 'mqtt';

export interface Credentials {
  username?: string;
  password?: string;
}

export interface ConnectionPoolEvents {
  /** Connection `index` came up for the first time: its vehicles may start publishing. */
  firstConnect(index: number): void;
  up(): void;
  down(): void;
  error(error: Error): void;
}

export interface ConnectionPoolOptions {
  brokerUrl: string;
  clientIds: readonly string[];
  credentials(clientId: string): Credentials;
  /** New connections opened per second at most, so 20,000 devices do not hit the broker at once. */
  connectRatePerSec: number;
  events: ConnectionPoolEvents;
}

const RAMP_TICK_MS = 50;
const CLOSE_GRACE_MS = 2000;
/** Retry delays spread over 1–5 s so a broker restart is not answered by one reconnect storm. */
const RECONNECT_BASE_MS = 1000;
const RECONNECT_SPREAD_MS = 4000;

/**
 * MQTT connections opened gradually (a token bucket, and never more than a second's worth waiting
 * for their CONNACK, so an unreachable broker does not collect thousands of retrying sockets).
 */
export class MqttConnectionPool {
  private readonly clients: (MqttClient | undefined)[];
  private readonly connected: boolean[];
  private nextToOpen = 0;
  private awaitingFirstConnect = 0;
  private allowance = 0;
  private rampTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ConnectionPoolOptions) {
    this.clients = new Array(options.clientIds.length);
    this.connected = new Array(options.clientIds.length).fill(false);
  }

  get size(): number {
    return this.clients.length;
  }

  start(): void {
    this.rampTimer = setInterval(() => this.ramp(), RAMP_TICK_MS);
    this.ramp();
  }

  /** `done` runs on PUBACK (QoS 1) or once written (QoS 0), or with the error. */
  publish(index: number, topic: string, payload: string, qos: 0 | 1, done: (error?: Error) => void): void {
    const client = this.clients[index];
    if (!client) {
      done(new Error(`connection ${index} is not open`));
      return;
    }
    client.publish(topic, payload, { qos }, (error) => done(error));
  }

  /**
   * Disconnects every client: politely (DISCONNECT after the socket flushed, so a QoS 0 reading
   * just written still arrives) unless it is offline or still awaits acknowledgements, in which case
   * — the drain already gave up on them — or after CLOSE_GRACE_MS, the socket is dropped.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.rampTimer);
    await Promise.all(this.clients.map((client) => client && closeClient(client)));
  }

  private ramp(): void {
    const { clientIds, connectRatePerSec } = this.options;
    const perTick = (connectRatePerSec * RAMP_TICK_MS) / 1000;
    this.allowance = Math.min(this.allowance + perTick, Math.max(1, perTick));
    const maxWaiting = Math.max(10, connectRatePerSec);
    while (this.allowance >= 1 && this.nextToOpen < clientIds.length && this.awaitingFirstConnect < maxWaiting) {
      this.open(this.nextToOpen++);
      this.allowance--;
    }
    if (this.nextToOpen >= clientIds.length) clearInterval(this.rampTimer);
  }

  private open(index: number): void {
    const { brokerUrl, clientIds, credentials, events } = this.options;
    const clientId = clientIds[index] as string;
    this.awaitingFirstConnect++;
    let everConnected = false;
    const client = connect(brokerUrl, {
      clientId,
      ...credentials(clientId),
      clean: true,
      keepalive: 60,
      connectTimeout: 30_000,
      reconnectPeriod: RECONNECT_BASE_MS + ((index * 7919) % RECONNECT_SPREAD_MS),
      // A QoS 0 reading published while offline is reported as failed instead of piling up.
      queueQoSZero: false,
    });
    this.clients[index] = client;
    client.on('connect', () => {
      this.connected[index] = true;
      events.up();
      if (everConnected) return;
      everConnected = true;
      this.awaitingFirstConnect--;
      events.firstConnect(index);
    });
    client.on('close', () => {
      if (!this.connected[index]) return;
      this.connected[index] = false;
      events.down();
    });
    client.on('error', (error) => {
      if (!this.closed) events.error(error);
    });
  }
}

async function closeClient(client: MqttClient): Promise<void> {
  const force = !client.connected || Object.keys(client.outgoing).length > 0;
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.stream?.destroy();
      resolve();
    }, CLOSE_GRACE_MS);
  });
  await Promise.race([client.endAsync(force), grace]);
  clearTimeout(timer);
}
