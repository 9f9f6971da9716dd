import { AppError, errorMessage, type Logger, type PartitionBatch, type PartitionOffset, RetryAbortedError } from '@fleet/runtime';
import { type BatchTicket, createCommitTracker } from './commit-tracker';
import { createOffsetCommitter } from './offset-committer';
import type { AdmittedBatch } from './sink-handler';

export const SINK_ERRORS = {
  /** A batch of the partition failed permanently after its handler returned; the consumer restarts and replays. */
  partitionFailed: 'SINK_PARTITION_FAILED',
} as const;

export interface PipelinedCommitsOptions {
  /** Returns once the batch is admitted; its `durable` settles later. */
  handle: (batch: PartitionBatch) => Promise<AdmittedBatch>;
  /** BatchConsumer.commit (mode 'by-caller'). */
  commit: (offsets: readonly PartitionOffset[]) => Promise<boolean>;
  log: Logger;
  /** Called whenever a batch was admitted or settled (metrics). */
  onChange?: () => void;
}

export interface PipelinedCommits {
  /** The consumer's handle: returns once the batch is admitted, commits once it is durable. */
  handle(batch: PartitionBatch): Promise<void>;
  /** The consumer's onGroupJoin: it refetches from the committed offsets, so earlier batches never commit. */
  onGroupJoin(): void;
  /**
   * Graceful stop: retries end (a write that keeps failing is abandoned, not committed), the
   * consumer stops fetching (`drain`), admitted batches settle, and what became durable is committed.
   */
  finish(drain: () => Promise<void>): Promise<void>;
  /** Batches handled in this group generation whose offsets are not committable yet. */
  uncommitted(): number;
}

/**
 * Lets the consumer fetch the next batch while earlier ones are still being written, and commits
 * per partition only the contiguous prefix of batches that are durable (see CommitTracker).
 */
export function createPipelinedCommits(options: PipelinedCommitsOptions): PipelinedCommits {
  const { log } = options;
  const tracker = createCommitTracker();
  const committer = createOffsetCommitter(options.commit, (error) => log.error({ err: error }, 'offset commit failed'));
  const settling = new Set<Promise<void>>();
  let stopping = false;

  function onFailure(ticket: BatchTicket, error: unknown): void {
    const where = { topic: ticket.topic, partition: ticket.partition };
    if (error instanceof RetryAbortedError || !ticket.isCurrent()) {
      // Revoked, rejoined or stopping: the batch is replayed from the last commit, nothing is lost.
      log.info({ ...where, reason: errorMessage(error) }, 'batch left uncommitted; it will be replayed');
      tracker.abandoned(ticket);
      return;
    }
    log.error(
      { ...where, err: error },
      'batch failed permanently after it was admitted; the partition commits nothing further and its consumer restarts to replay from the last commit',
    );
    tracker.failed(ticket, error);
  }

  function settle(ticket: BatchTicket, admitted: AdmittedBatch): void {
    const settled = admitted.durable
      .then(
        () => {
          const offset = tracker.durable(ticket);
          if (offset) committer.add(offset);
        },
        (error: unknown) => onFailure(ticket, error),
      )
      .finally(() => {
        settling.delete(settled);
        options.onChange?.();
      });
    settling.add(settled);
  }

  return {
    async handle(batch) {
      const failure = tracker.failureOf(batch.topic, batch.partition);
      if (failure) {
        // Retriable, so kafkajs restarts the consumer: the rejoin refetches from the last commit.
        throw new AppError(
          SINK_ERRORS.partitionFailed,
          `${batch.topic}/${batch.partition}: an earlier batch failed permanently (${errorMessage(failure.error)}); replaying from the last commit`,
          { retriable: true },
        );
      }
      const first = batch.messages[0];
      const last = batch.messages.at(-1);
      if (!first || !last) return;
      const ticket = tracker.track(batch.topic, batch.partition, first.offset, last.offset);
      // Retries of this batch's writes end once its outcome can no longer be committed.
      const scoped: PartitionBatch = { ...batch, isActive: () => !stopping && ticket.isCurrent() && batch.isActive() };
      let admitted: AdmittedBatch;
      try {
        admitted = await options.handle(scoped);
      } catch (error) {
        if (error instanceof RetryAbortedError) tracker.abandoned(ticket);
        else tracker.failed(ticket, error);
        throw error;
      } finally {
        options.onChange?.();
      }
      settle(ticket, admitted);
    },

    onGroupJoin() {
      tracker.newEpoch();
      committer.clear();
    },

    async finish(drain) {
      // First, so a handler waiting for room behind writes to an unavailable InfluxDB is released.
      stopping = true;
      await drain();
      while (settling.size > 0) await Promise.allSettled([...settling]);
      await committer.flush();
    },

    uncommitted: () => tracker.uncommitted(),
  };
}
