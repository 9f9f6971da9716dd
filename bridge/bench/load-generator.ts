import { connect, type Socket } from 'node:net';

/**
 * A light MQTT 3.1.1 load generator: raw sockets writing hand-built PUBLISH packets, so thousands
 * of devices cost the generator little CPU. QoS 1 runs closed-loop with `window` publishes in
 * flight per device and measures publish → PUBACK (= publish → Kafka ack) latency.
 */
export interface LoadOptions {
  port: number;
  devices: number;
  qos: 0 | 1;
  /** QoS 1: publishes in flight per device. */
  window: number;
  /** QoS 0: offered publishes per second over all devices (open loop). */
  ratePerSecond: number;
}

function varint(length: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0]), // "MQTT", level 4, clean session, keepalive 0
    Buffer.from([id.length >> 8, id.length & 0xff]),
    id,
  ]);
  return Buffer.concat([Buffer.from([0x10, ...varint(body.length)]), body]);
}

function publishPacket(topic: Buffer, payload: Buffer, qos: 0 | 1, messageId: number): Buffer {
  const remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + payload.length;
  const header = [0x30 | (qos << 1), ...varint(remaining), topic.length >> 8, topic.length & 0xff];
  const parts = [Buffer.from(header), topic];
  if (qos > 0) parts.push(Buffer.from([messageId >> 8, messageId & 0xff]));
  parts.push(payload);
  return Buffer.concat(parts);
}

class Device {
  private socket!: Socket;
  private seq = 0;
  private nextId = 1;
  private readonly sentAt = new Map<number, number>();
  private readonly topic: Buffer;
  private buffer: Buffer = Buffer.alloc(0);
  stopped = false;

  constructor(
    readonly vehicleId: string,
    private readonly stats: LoadStats,
  ) {
    this.topic = Buffer.from(`vehicles/${vehicleId}/telemetry`);
  }

  open(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = connect(port, '127.0.0.1');
      this.socket.setNoDelay(true);
      this.socket.once('error', reject);
      this.socket.write(connectPacket(this.vehicleId));
      this.socket.on('data', (chunk) => this.onData(chunk, resolve));
    });
  }

  payload(): Buffer {
    const seq = this.seq++;
    return Buffer.from(
      `{"vehicleId":"${this.vehicleId}","ts":${Date.now()},"seq":${seq},"lat":${(52.5 + (seq % 100) / 1000).toFixed(5)},` +
        `"lon":13.40495,"speedKph":${(seq % 130) + 0.5},"headingDeg":181.5,"rpm":2200,"engineLoadPct":41.2,"coolantTempC":88,"batteryV":13.9,"ignition":true}`,
    );
  }

  /** True while the socket has unsent data queued (the bridge is pushing back). */
  backedUp(): boolean {
    return this.socket.writableLength > 16 * 1024;
  }

  publish(qos: 0 | 1): void {
    if (this.stopped) return;
    let id = 0;
    if (qos === 1) {
      id = this.nextId;
      this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
      this.sentAt.set(id, performance.now());
    }
    this.socket.write(publishPacket(this.topic, this.payload(), qos, id));
    this.stats.sent++;
  }

  private onData(chunk: Buffer, connected: () => void): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (this.buffer.length - offset >= 2) {
      const type = this.buffer[offset]! >> 4;
      const length = this.buffer[offset + 1]!; // CONNACK and PUBACK are 2-byte bodies
      if (this.buffer.length - offset < 2 + length) break;
      if (type === 2) connected();
      if (type === 4) {
        const id = this.buffer.readUInt16BE(offset + 2);
        const at = this.sentAt.get(id);
        if (at !== undefined) {
          this.sentAt.delete(id);
          this.stats.acked++;
          this.stats.latenciesMs.push(performance.now() - at);
          this.publish(1); // closed loop: one out, one in
        }
      }
      offset += 2 + length;
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  close(): void {
    this.stopped = true;
    this.socket.destroy();
  }
}

export interface LoadStats {
  sent: number;
  /** QoS 0 publishes not offered because the device's socket was backed up. */
  skipped: number;
  acked: number;
  latenciesMs: number[];
}

export interface LoadRun {
  stats: LoadStats;
  start(): void;
  stop(): void;
}

export async function openDevices(options: LoadOptions, runId: string): Promise<LoadRun> {
  const stats: LoadStats = { sent: 0, skipped: 0, acked: 0, latenciesMs: [] };
  const devices: Device[] = [];
  // Connect in waves so the broker's accept queue is not flooded.
  for (let i = 0; i < options.devices; i += 500) {
    const wave = Array.from({ length: Math.min(500, options.devices - i) }, (_, j) => new Device(`${runId}-${i + j}`, stats));
    await Promise.all(wave.map((device) => device.open(options.port)));
    devices.push(...wave);
  }
  let timer: NodeJS.Timeout | undefined;
  return {
    stats,
    start() {
      if (options.qos === 1) {
        for (const device of devices) for (let w = 0; w < options.window; w++) device.publish(1);
      } else {
        // Open loop for QoS 0: round-robin over the devices every 10 ms, skipping a device whose
        // socket is backed up (the bridge stopped reading it) instead of buffering without bound.
        let next = 0;
        const perTick = Math.max(1, Math.round(options.ratePerSecond / 100));
        timer = setInterval(() => {
          for (let n = 0; n < perTick; n++) {
            const device = devices[next]!;
            next = (next + 1) % devices.length;
            if (device.backedUp()) stats.skipped++;
            else device.publish(0);
          }
        }, 10);
      }
    },
    stop() {
      clearInterval(timer);
      for (const device of devices) device.close();
    },
  };
}
