import { type BackoffOptions, retryTransient } from '@fleet/runtime';
import type { OutRecord } from './kafka-records';

/** Called once per record: no error = durable in Kafka; an error = not written (do not acknowledge). */
export type Ack = (error?: Error) => void;

export interface BatchReport {
  records: number;
  bytes: number;
  /** Duration of the successful produce request. */
  sendMs: number;
  /** Time the batch's oldest record waited, from submit to ack. */
  oldestWaitMs: number;
  /** Produce attempts the batch needed (1 = no retry). */
  attempts: number;
  /** Records per topic kind. */
  telemetry: number;
  dlq: number;
}

export interface RecordBatcherOptions {
  /** Writes one batch (one produce request); throws an error with a `retriable` flag on failure. */
  send: (records: OutRecord[]) => Promise<void>;
  lingerMs: number;
  maxRecords: number;
  maxBytes: number;
  /** Memory bound: beyond these, hasCapacity() is false and readers must stop reading. */
  maxInFlightRecords: number;
  maxInFlightBytes: number;
  backoff?: BackoffOptions;
  onBatch?: (report: BatchReport) => void;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** A batch failed permanently: its records were not acknowledged. */
  onFailed?: (error: unknown, records: number) => void;
  now?: () => number;
}

interface Pending {
  record: OutRecord;
  ack: Ack;
  at: number;
}

/**
 * Accumulates records and writes them one batch at a time (one request in flight, as the
 * idempotent producer requires), after at most `lingerMs` or when a batch is full. A failed
 * batch is retried as a whole, in order, before anything newer is sent, so per-key order holds
 * through broker outages. Acks run in submission order.
 */
export class RecordBatcher {
  private readonly options: RecordBatcherOptions;
  private readonly now: () => number;
  private queue: Pending[] = [];
  private head = 0;
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private aborted = false;
  private capacityWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Records and bytes queued or in the request in flight. */
  inFlightRecords = 0;
  inFlightBytes = 0;

  constructor(options: RecordBatcherOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Queues a record. Never refuses: callers bound memory by waiting on hasCapacity()/whenCapacity(). */
  submit(record: OutRecord, ack: Ack): void {
    if (this.aborted) {
      ack(new Error('bridge is shutting down'));
      return;
    }
    this.queue.push({ record, ack, at: this.now() });
    this.inFlightRecords++;
    this.inFlightBytes += record.bytes;
    this.schedule();
  }

  hasCapacity(): boolean {
    return this.inFlightRecords < this.options.maxInFlightRecords && this.inFlightBytes < this.options.maxInFlightBytes;
  }

  /** Calls `resume` as soon as there is room again (at once when there is). */
  whenCapacity(resume: () => void): void {
    if (this.hasCapacity() || this.aborted) resume();
    else this.capacityWaiters.push(resume);
  }

  /** Resolves when every submitted record is acknowledged (or failed). */
  drain(): Promise<void> {
    if (this.inFlightRecords === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying and fails every record not yet written (their senders get no acknowledgement). */
  abort(): void {
    this.aborted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.sending) this.failQueued(new Error('bridge stopped before the record was written'));
  }

  private queued(): number {
    return this.queue.length - this.head;
  }

  private schedule(): void {
    if (this.sending || this.timer !== undefined || this.queued() === 0) return;
    const oldest = this.queue[this.head];
    const waited = oldest === undefined ? 0 : this.now() - oldest.at;
    if (this.queued() >= this.options.maxRecords || waited >= this.options.lingerMs) {
      void this.flush();
    } else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.lingerMs - waited);
    }
  }

  private take(): Pending[] {
    const { maxRecords, maxBytes } = this.options;
    let end = this.head;
    let bytes = 0;
    while (end < this.queue.length && end - this.head < maxRecords) {
      const next = this.queue[end]!;
      if (end > this.head && bytes + next.record.bytes > maxBytes) break;
      bytes += next.record.bytes;
      end++;
    }
    const batch = this.queue.slice(this.head, end);
    this.head = end;
    // Compact now and then instead of shifting on every take.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private async flush(): Promise<void> {
    if (this.sending || this.queued() === 0) return;
    this.sending = true;
    const batch = this.take();
    const records = batch.map((pending) => pending.record);
    let attempts = 0;
    let sendMs = 0;
    let failure: unknown;
    try {
      await retryTransient(
        async () => {
          attempts++;
          const started = this.now();
          await this.options.send(records);
          sendMs = this.now() - started;
        },
        {
          ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
          shouldContinue: () => !this.aborted,
          onRetry: this.options.onRetry,
        },
      );
    } catch (error) {
      failure = error;
    }
    this.sending = false;
    this.settle(batch, failure, { attempts, sendMs });
    if (this.aborted) this.failQueued(new Error('bridge stopped before the record was written'));
    this.schedule();
  }

  private settle(batch: Pending[], failure: unknown, stats: { attempts: number; sendMs: number }): void {
    let bytes = 0;
    let dlq = 0;
    for (const pending of batch) {
      bytes += pending.record.bytes;
      if (pending.record.kind === 'dlq') dlq++;
    }
    this.inFlightRecords -= batch.length;
    this.inFlightBytes -= bytes;
    if (failure === undefined) {
      const oldest = batch[0];
      this.options.onBatch?.({
        records: batch.length,
        bytes,
        sendMs: stats.sendMs,
        oldestWaitMs: oldest === undefined ? 0 : this.now() - oldest.at,
        attempts: stats.attempts,
        telemetry: batch.length - dlq,
        dlq,
      });
      for (const pending of batch) pending.ack();
    } else {
      this.options.onFailed?.(failure, batch.length);
      const error = failure instanceof Error ? failure : new Error(String(failure));
      for (const pending of batch) pending.ack(error);
    }
    this.wake();
  }

  private failQueued(error: Error): void {
    const rest = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const pending of rest) {
      this.inFlightRecords--;
      this.inFlightBytes -= pending.record.bytes;
      pending.ack(error);
    }
    this.wake();
  }

  private wake(): void {
    if (this.capacityWaiters.length > 0 && (this.hasCapacity() || this.aborted)) {
      const waiters = this.capacityWaiters;
      this.capacityWaiters = [];
      for (const resume of waiters) resume();
    }
    if (this.inFlightRecords === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
