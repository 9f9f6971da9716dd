import type { DeviceSource } from './device-sources';
import type { DeviceReading } from './domain/reading';
import { DueQueue } from './due-queue';

export type LoopEnd = 'max-readings' | 'scenario-complete';

export interface PublishLoopOptions {
  source: DeviceSource;
  /** `realtime`: each reading goes out when the clock reaches its ts; `asap`: as fast as acks allow. */
  pace: 'realtime' | 'asap';
  maxInFlight: number;
  maxReadings?: number;
  inFlight(): number;
  send(index: number, reading: DeviceReading): void;
  onEnd(reason: LoopEnd): void;
}

const TICK_MS = 5;
/** Readings sent per tick at most, so a backlog never blocks acks and progress output. */
const BATCH = 5000;

/**
 * Sends each active vehicle's readings when due, in time order across the fleet. One pending
 * reading per vehicle, so memory does not grow with the backlog; while too many readings await a
 * PUBACK, sending pauses instead of dropping (a device buffers, it does not lose readings).
 */
export class PublishLoop {
  private readonly queue = new DueQueue();
  private readonly iterators: (Iterator<DeviceReading> | undefined)[];
  private readonly pending: (DeviceReading | undefined)[];
  private finishedVehicles = 0;
  private handed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PublishLoopOptions) {
    const count = options.source.vehicleIds.length;
    this.iterators = new Array(count);
    this.pending = new Array(count);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Vehicle `index` starts its trace at `startMs` (its first reading is due then). */
  activate(index: number, startMs: number): void {
    this.iterators[index] = this.options.source.readings(index, startMs);
    this.enqueueNext(index);
  }

  private tick(): void {
    const { pace, maxInFlight, maxReadings, inFlight, send, onEnd } = this.options;
    const now = Date.now();
    for (let budget = BATCH; budget > 0 && this.queue.size > 0; budget--) {
      if (inFlight() >= maxInFlight) return;
      if (pace === 'realtime' && this.queue.peekDue() > now) return;
      const index = this.queue.pop() as number;
      send(index, this.pending[index] as DeviceReading);
      this.handed++;
      if (maxReadings !== undefined && this.handed >= maxReadings) {
        this.stop();
        onEnd('max-readings');
        return;
      }
      this.enqueueNext(index);
    }
  }

  private enqueueNext(index: number): void {
    const next = this.iterators[index]?.next();
    if (!next || next.done) {
      this.pending[index] = undefined;
      this.finishedVehicles++;
      if (this.finishedVehicles === this.iterators.length) {
        this.stop();
        this.options.onEnd('scenario-complete');
      }
      return;
    }
    this.pending[index] = next.value;
    this.queue.push(next.value.ts, index);
  }
}
