import { type BackoffOptions, RetryAbortedError, retryTransient } from '@fleet/runtime';
import { InfluxWriteError, isLineRejection, type LineWriter } from '../adapters/influx-writer';
import { writeIsolatingRejects } from '../domain/isolate-rejected';
import type { Line } from '../domain/line-protocol';

/** What a Kafka batch handler lends the batcher: its heartbeat and whether it still owns the partition. */
export interface SubmitContext {
  heartbeat: () => Promise<void>;
  isActive: () => boolean;
}

export interface WriteEntry<T> {
  line: Line;
  source: T;
}

export interface RejectedEntry<T> {
  source: T;
  error: unknown;
}

export interface WriteBatcherOptions {
  writer: LineWriter;
  /** Lines per HTTP write. */
  batchSize: number;
  /** The oldest queued line waits at most this long before a write starts. */
  maxWaitMs: number;
  /** Write sooner when no line arrived for this long (the fetch that fed the queue is done). */
  idleMs: number;
  /** Lines admitted but not yet durable; submit() waits above it (back-pressure). */
  maxPending: number;
  /** HTTP writes in flight. */
  concurrency: number;
  backoff: BackoffOptions;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Each HTTP request: duration and outcome. */
  onRequest?: (seconds: number, outcome: 'ok' | 'rejected' | 'failed') => void;
  onWritten?: (points: number) => void;
  onAvailability?: (available: boolean) => void;
}

export interface BatcherStats {
  pending: number;
  /** Highest `pending` seen since start (the memory bound the tests check). */
  maxPendingSeen: number;
  writesInFlight: number;
}

/** Entries the batcher queued; their lines count as pending until `durable` settles. */
export interface Admitted<T> {
  /**
   * Resolves, once every entry is durable, with those InfluxDB rejected permanently. Rejects with
   * RetryAbortedError when the submitter lost its partition or the batcher closed while InfluxDB
   * was unavailable.
   */
  durable: Promise<RejectedEntry<T>[]>;
}

export interface WriteBatcher<T> {
  /**
   * Queues the entries (combined with other submitters' into writes of `batchSize`) and resolves
   * once all are admitted: it waits while the pending lines would exceed `maxPending`.
   */
  submit(entries: readonly WriteEntry<T>[], context: SubmitContext): Promise<Admitted<T>>;
  stats(): BatcherStats;
  close(): void;
}

interface Submission<T> {
  context: SubmitContext;
  remaining: number;
  rejected: RejectedEntry<T>[];
  failed: boolean;
  resolve: (rejected: RejectedEntry<T>[]) => void;
  reject: (error: unknown) => void;
}

interface Item<T> {
  line: Line;
  source: T;
  submission: Submission<T>;
}

/**
 * Coalesces the lines of concurrently handled Kafka batches into InfluxDB writes of a bounded size
 * and age, writes each with its own retry loop (no client-side buffer: a line is either durable or
 * still owned by its waiting submitter), and applies back-pressure through `maxPending`.
 */
export function createWriteBatcher<T>(options: WriteBatcherOptions): WriteBatcher<T> {
  let queue: Item<T>[] = [];
  let pending = 0;
  let maxPendingSeen = 0;
  let inFlight = 0;
  let closed = false;
  let oldestAt = 0;
  let lastAt = 0;
  let due = false;
  let timer: NodeJS.Timeout | undefined;
  const capacityWaiters: { size: number; resolve: () => void }[] = [];

  function fail(submission: Submission<T>, error: unknown): void {
    if (submission.failed) return;
    submission.failed = true;
    submission.reject(error);
    const before = queue.length;
    queue = queue.filter((item) => item.submission !== submission);
    release(before - queue.length);
  }

  /** Frees capacity and hands it to waiting submitters in order (their lines count as pending at once). */
  function release(lines: number): void {
    pending -= lines;
    while (capacityWaiters.length > 0) {
      const next = capacityWaiters[0]!;
      if (pending > 0 && pending + next.size > options.maxPending) break;
      capacityWaiters.shift();
      reserve(next.size);
      next.resolve();
    }
  }

  function reserve(lines: number): void {
    pending += lines;
    if (pending > maxPendingSeen) maxPendingSeen = pending;
  }

  function armTimer(): void {
    if (timer || due || queue.length === 0) return;
    const now = performance.now();
    const at = Math.min(oldestAt + options.maxWaitMs, lastAt + options.idleMs);
    timer = setTimeout(
      () => {
        timer = undefined;
        const fired = performance.now();
        if (fired >= oldestAt + options.maxWaitMs || fired >= lastAt + options.idleMs) due = true;
        pump();
      },
      Math.max(0, at - now),
    );
  }

  function pump(): void {
    while (inFlight < options.concurrency && queue.length > 0 && (due || queue.length >= options.batchSize)) {
      const chunk = queue.splice(0, options.batchSize);
      if (queue.length === 0) due = false;
      else oldestAt = performance.now();
      void writeChunk(chunk);
    }
    armTimer();
  }

  async function timedWrite(lines: readonly Line[]): Promise<void> {
    const started = performance.now();
    try {
      await options.writer.write(lines);
      options.onRequest?.((performance.now() - started) / 1000, 'ok');
    } catch (error) {
      options.onRequest?.((performance.now() - started) / 1000, isLineRejection(error) ? 'rejected' : 'failed');
      throw error;
    }
  }

  async function writeChunk(chunk: Item<T>[]): Promise<void> {
    inFlight++;
    const submissions = [...new Set(chunk.map((item) => item.submission))];
    const live = () => submissions.filter((submission) => !submission.failed && submission.context.isActive());
    try {
      const rejected = await writeIsolatingRejects(
        chunk.map((item) => item.line),
        (lines) =>
          retryTransient(() => timedWrite(lines), {
            backoff: options.backoff,
            shouldContinue: () => !closed && live().length > 0,
            whileWaiting: () => live()[0]?.context.heartbeat() ?? Promise.resolve(),
            retryAfterMs: (error) =>
              error instanceof InfluxWriteError && error.retryAfterMs !== undefined ? Math.max(50, error.retryAfterMs) : undefined,
            onRetry: (error, attempt, delayMs) => {
              options.onAvailability?.(false);
              options.onRetry?.(error, attempt, delayMs);
            },
          }),
        isLineRejection,
      );
      options.onAvailability?.(true);
      options.onWritten?.(chunk.length - rejected.length);
      for (const { index, error } of rejected) {
        const item = chunk[index]!;
        item.submission.rejected.push({ source: item.source, error });
      }
      for (const item of chunk) {
        const submission = item.submission;
        if (--submission.remaining === 0 && !submission.failed) submission.resolve(submission.rejected);
      }
    } catch (error) {
      for (const submission of submissions) fail(submission, error);
    } finally {
      inFlight--;
      release(chunk.length);
      pump();
    }
  }

  /** Reserves capacity for `size` lines, synchronously when it fits, else in FIFO order. */
  async function admit(size: number, submission: Submission<T>): Promise<void> {
    if (pending === 0 || pending + size <= options.maxPending) reserve(size);
    else await new Promise<void>((resolve) => capacityWaiters.push({ size, resolve }));
    if (closed || submission.failed) {
      release(size);
      throw new RetryAbortedError(new Error(closed ? 'write batcher closed' : 'submission failed'));
    }
  }

  return {
    async submit(entries, context) {
      if (entries.length === 0) return { durable: Promise.resolve([]) };
      let resolve!: (rejected: RejectedEntry<T>[]) => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<RejectedEntry<T>[]>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => undefined);
      const submission: Submission<T> = { context, remaining: entries.length, rejected: [], failed: false, resolve, reject };
      for (let start = 0; start < entries.length; start += options.batchSize) {
        const slice = entries.slice(start, start + options.batchSize);
        try {
          await admit(slice.length, submission);
        } catch (error) {
          fail(submission, error);
          break;
        }
        const now = performance.now();
        if (queue.length === 0) oldestAt = now;
        lastAt = now;
        for (const entry of slice) queue.push({ line: entry.line, source: entry.source, submission });
        pump();
      }
      return { durable: done };
    },
    stats: () => ({ pending, maxPendingSeen, writesInFlight: inFlight }),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const aborted = new RetryAbortedError(new Error('write batcher closed'));
      for (const submission of new Set(queue.map((item) => item.submission))) fail(submission, aborted);
      for (const waiter of capacityWaiters.splice(0)) {
        reserve(waiter.size);
        waiter.resolve();
      }
    },
  };
}
