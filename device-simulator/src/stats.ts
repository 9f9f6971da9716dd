import { LatencyHistogram, type LatencySummary } from './latency-histogram';

export interface SimulationStats {
  elapsedMs: number;
  vehicles: number;
  /** Vehicles that have started publishing (their connection came up). */
  activeVehicles: number;
  /** MQTT connections up now, of those the simulation opens (= vehicles unless multiplexed). */
  connections: { open: number; total: number };
  /** Readings handed to MQTT. */
  sent: number;
  /** QoS 1 readings the broker acknowledged (PUBACK); with QoS 0, readings written to the socket. */
  acked: number;
  /** Sent, neither acknowledged nor failed yet. */
  inFlight: number;
  /** Failed publishes and connection errors. */
  errors: number;
  errorsByKind: Record<string, number>;
  /** Readings sent per second over the last full second. */
  ratePerSec: number;
  /** Publish→PUBACK latency (QoS 1 only). */
  latencyMs: LatencySummary | null;
}

const MAX_ERROR_KINDS = 20;

/** Counters of a running simulation; the app records into it, the display and summary read it. */
export class StatsCollector {
  private readonly latency = new LatencyHistogram();
  private readonly errorsByKind = new Map<string, number>();
  private sent = 0;
  private acked = 0;
  private failed = 0;
  private errors = 0;
  private activeVehicles = 0;
  private openConnections = 0;
  private rate = 0;
  private lastSample: { atMs: number; sent: number };

  constructor(
    private readonly startedAtMs: number,
    private readonly vehicles: number,
    private readonly totalConnections: number,
  ) {
    this.lastSample = { atMs: startedAtMs, sent: 0 };
  }

  get inFlight(): number {
    return this.sent - this.acked - this.failed;
  }

  vehicleActivated(): void {
    this.activeVehicles++;
  }

  connectionUp(): void {
    this.openConnections++;
  }

  connectionDown(): void {
    this.openConnections--;
  }

  readingSent(): void {
    this.sent++;
  }

  readingAcked(latencyMs: number | null): void {
    this.acked++;
    if (latencyMs !== null) this.latency.record(latencyMs);
  }

  readingFailed(error: Error): void {
    this.failed++;
    this.error(error);
  }

  error(error: Error): void {
    this.errors++;
    const code = (error as NodeJS.ErrnoException).code;
    const kind = (code ? `${code}: ` : '') + error.message.slice(0, 100);
    if (this.errorsByKind.has(kind) || this.errorsByKind.size < MAX_ERROR_KINDS) {
      this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    }
  }

  /** Called about once a second: the send rate over the time since the previous call. */
  sampleRate(nowMs: number): void {
    const elapsed = nowMs - this.lastSample.atMs;
    if (elapsed <= 0) return;
    this.rate = ((this.sent - this.lastSample.sent) * 1000) / elapsed;
    this.lastSample = { atMs: nowMs, sent: this.sent };
  }

  snapshot(nowMs: number): SimulationStats {
    return {
      elapsedMs: nowMs - this.startedAtMs,
      vehicles: this.vehicles,
      activeVehicles: this.activeVehicles,
      connections: { open: this.openConnections, total: this.totalConnections },
      sent: this.sent,
      acked: this.acked,
      inFlight: this.inFlight,
      errors: this.errors,
      errorsByKind: Object.fromEntries(this.errorsByKind),
      ratePerSec: this.rate,
      latencyMs: this.latency.summary(),
    };
  }
}
