import { type BackoffOptions, backoffDelay, errorMessage, isRetriable, type Logger, RetryAbortedError, retryTransient } from '@fleet/runtime';
import type { OutgoingEmail, Mailer } from '../adapters/smtp-mailer';
import type { Episode } from '../domain/notification-policy';
import type { NotificationRecord } from './notification-record';

/** The email for a pending record, or why none can be built (owner or vehicle gone since). */
export type Composed = { ok: true; email: OutgoingEmail } | { ok: false; reason: string; error: string };

export interface OutboxOptions {
  mailer: Mailer;
  compose: (record: NotificationRecord) => Composed;
  /** Makes an updated record durable (the compacted topic). */
  commit: (record: NotificationRecord) => Promise<void>;
  /** Called with each final record (sent / failed) once durable: InfluxDB, metrics. */
  onFinal: (record: NotificationRecord) => void;
  log: Logger;
  maxAttempts: number;
  backoff: BackoffOptions;
  /** Emails being sent (and recorded) at once; default 1. */
  concurrency?: number;
  now?: () => number;
}

interface Item {
  record: NotificationRecord;
  attempts: number;
  nextAt: number;
  inFlight: boolean;
  /** > 0 while the record is being amended (an OVERSPEED_END merge is being written). */
  holds: number;
}

/**
 * Sends pending notifications, up to `concurrency` at a time (oldest event first), each on its own
 * retry schedule: a failing message waits for its next attempt while others go out, and after
 * `maxAttempts` transient failures it is recorded failed. The event stream never waits for SMTP:
 * it only writes pending records here.
 */
export class Outbox {
  private readonly items = new Map<string, Item>();
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly attempts = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Queues a durable pending record; `notBefore` delays the first attempt (wall clock, ms). */
  add(record: NotificationRecord, notBefore = 0): void {
    if (record.status !== 'pending' || this.items.has(record.key)) return;
    this.items.set(record.key, { record, attempts: record.attempts, nextAt: notBefore, inFlight: false, holds: 0 });
    this.wake?.();
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** True while the email is queued and not being sent: an OVERSPEED_END can still be merged in. */
  canAmend(key: string): boolean {
    const item = this.items.get(key);
    return item !== undefined && !item.inFlight;
  }

  /** Adds the episode to a queued email and holds it until {@link release}; returns the record to write. */
  amend(key: string, episode: Episode, updatedAt: number): NotificationRecord | null {
    const item = this.items.get(key);
    if (!item || item.inFlight) return null;
    item.record = { ...item.record, episode, updatedAt };
    item.holds += 1;
    return item.record;
  }

  release(key: string): void {
    const item = this.items.get(key);
    if (item && item.holds > 0) item.holds -= 1;
    this.wake?.();
  }

  /** Drops queued items the instance no longer owns (their partition moved to another instance). */
  retain(keep: (record: NotificationRecord) => boolean): void {
    for (const [key, item] of this.items) if (!item.inFlight && !keep(item.record)) this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private nextDue(): Item | { waitMs: number } {
    const now = this.now();
    let due: Item | undefined;
    let waitMs = 1000;
    for (const item of this.items.values()) {
      if (item.inFlight || item.holds > 0) continue;
      if (item.nextAt > now) {
        waitMs = Math.min(waitMs, item.nextAt - now);
        continue;
      }
      if (!due || item.record.ts < due.record.ts) due = item;
    }
    return due ?? { waitMs };
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 1;
    while (!this.stopping) {
      const next = this.attempts.size < concurrency ? this.nextDue() : { waitMs: 1000 };
      if ('waitMs' in next) {
        // Woken by a new or released item, a finished attempt, or stop().
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, next.waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        continue;
      }
      const attempt = this.attempt(next)
        .catch((error: unknown) => {
          this.options.log.error({ err: error, key: next.record.key }, 'unexpected error while sending; will try again');
          next.nextAt = this.now() + 5000;
        })
        .finally(() => {
          this.attempts.delete(attempt);
          this.wake?.();
        });
      this.attempts.add(attempt);
    }
    await Promise.all(this.attempts);
  }

  private async attempt(item: Item): Promise<void> {
    const { record } = item;
    item.inFlight = true;
    try {
      const composed = this.options.compose(record);
      if (!composed.ok) {
        await this.finish(item, { status: 'failed', reason: composed.reason, error: composed.error });
        return;
      }
      item.attempts += 1;
      try {
        await this.options.mailer.send(composed.email);
      } catch (error) {
        const permanent = !isRetriable(error);
        if (permanent || item.attempts >= this.options.maxAttempts) {
          const reason = permanent ? 'smtp-rejected' : 'retries-exhausted';
          await this.finish(item, { status: 'failed', reason, error: errorMessage(error), recipient: composed.email.to });
          return;
        }
        const delayMs = backoffDelay(item.attempts - 1, this.options.backoff);
        this.options.log.warn({ key: record.key, attempt: item.attempts, delayMs, err: error }, 'email not accepted yet; retrying');
        item.nextAt = this.now() + delayMs;
        return;
      }
      await this.finish(item, {
        status: 'sent',
        reason: null,
        error: null,
        recipient: composed.email.to,
        messageId: composed.email.messageId,
      });
    } finally {
      item.inFlight = false;
    }
  }

  private async finish(item: Item, change: Partial<NotificationRecord>): Promise<void> {
    const final: NotificationRecord = { ...item.record, ...change, attempts: item.attempts, updatedAt: this.now() };
    try {
      await retryTransient(() => this.options.commit(final), {
        shouldContinue: () => !this.stopping,
        onRetry: (error, attempt) => this.options.log.warn({ err: error, attempt, key: final.key }, 'recording the notification failed; retrying'),
      });
    } catch (error) {
      // Stopping while Kafka is unreachable: the record stays pending and is retried after a restart
      // (a sent email may then go out again, with the same Message-ID).
      if (error instanceof RetryAbortedError) {
        this.options.log.warn({ key: final.key, status: final.status }, 'stopped before the notification outcome was recorded');
        this.items.delete(final.key);
        return;
      }
      throw error;
    }
    this.items.delete(final.key);
    this.options.onFinal(final);
  }
}
