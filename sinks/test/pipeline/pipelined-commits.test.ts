import { AppError, type PartitionBatch, type PartitionOffset, RetryAbortedError, silentLogger } from '@fleet/runtime';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createPipelinedCommits, SINK_ERRORS } from '../../src/pipeline/pipelined-commits';
import type { AdmittedBatch } from '../../src/pipeline/sink-handler';

function batch(partition: number, first: number, count: number): PartitionBatch {
  const messages = Array.from({ length: count }, (_, i) => ({ offset: String(first + i) }) as KafkaMessage);
  return { topic: 't', partition, messages, heartbeat: async () => undefined, isActive: () => true };
}

/** A handler whose batches become durable (or fail) when the test says so. */
function controlledHandler() {
  const outcomes: { resolve: () => void; reject: (error: unknown) => void; batch: PartitionBatch }[] = [];
  const handle = async (b: PartitionBatch): Promise<AdmittedBatch> => {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const durable = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    outcomes.push({ resolve, reject, batch: b });
    return { durable };
  };
  return { handle, outcomes };
}

function setup() {
  const { handle, outcomes } = controlledHandler();
  const commits: PartitionOffset[][] = [];
  const pipeline = createPipelinedCommits({
    handle,
    commit: async (offsets) => {
      commits.push([...offsets]);
      return true;
    },
    log: silentLogger(),
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
  return { pipeline, outcomes, commits, settle };
}

describe('pipelined commits', () => {
  it('returns once admitted and commits only the durable prefix of a partition', async () => {
    const { pipeline, outcomes, commits, settle } = setup();
    await pipeline.handle(batch(0, 0, 10));
    await pipeline.handle(batch(0, 10, 10));
    outcomes[1]!.resolve();
    await settle();
    expect(commits).toEqual([]);
    expect(pipeline.uncommitted()).toBe(2);
    outcomes[0]!.resolve();
    await settle();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '20' }]]);
    expect(pipeline.uncommitted()).toBe(0);
  });

  it('a permanent failure after admission blocks the partition and surfaces on its next batch', async () => {
    const { pipeline, outcomes, commits, settle } = setup();
    await pipeline.handle(batch(0, 0, 10));
    await pipeline.handle(batch(0, 10, 10));
    outcomes[1]!.resolve();
    outcomes[0]!.reject(new AppError('KAFKA_REJECTED', 'DLQ refused the records', { retriable: false }));
    await settle();
    const next = pipeline.handle(batch(0, 20, 10));
    await expect(next).rejects.toMatchObject({ code: SINK_ERRORS.partitionFailed, retriable: true });
    await expect(pipeline.handle(batch(1, 0, 5))).resolves.toBeUndefined();
    outcomes[2]!.resolve();
    await settle();
    // Only the other partition committed.
    expect(commits).toEqual([[{ topic: 't', partition: 1, offset: '5' }]]);

    // The consumer restarts and rejoins: the partition is replayed from its last commit.
    pipeline.onGroupJoin();
    await pipeline.handle(batch(0, 0, 10));
    outcomes[3]!.resolve();
    await settle();
    expect(commits.at(-1)).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
  });

  it('ignores batches that become durable after a rejoin', async () => {
    const { pipeline, outcomes, commits, settle } = setup();
    await pipeline.handle(batch(0, 0, 10));
    expect(outcomes[0]!.batch.isActive()).toBe(true);
    pipeline.onGroupJoin();
    // Their writes stop retrying, too.
    expect(outcomes[0]!.batch.isActive()).toBe(false);
    outcomes[0]!.resolve();
    await settle();
    expect(commits).toEqual([]);
  });

  it('leaves an abandoned batch uncommitted without an error', async () => {
    const { pipeline, outcomes, commits, settle } = setup();
    await pipeline.handle(batch(0, 0, 10));
    await pipeline.handle(batch(0, 10, 10));
    outcomes[0]!.reject(new RetryAbortedError(new Error('revoked')));
    outcomes[1]!.resolve();
    await settle();
    expect(commits).toEqual([]);
    await expect(pipeline.handle(batch(0, 20, 10))).resolves.toBeUndefined();
  });

  it('finish stops retries, waits for admitted batches and commits what became durable', async () => {
    const { pipeline, outcomes, commits } = setup();
    await pipeline.handle(batch(0, 0, 10));
    await pipeline.handle(batch(1, 0, 10));
    let drained = false;
    const finished = pipeline.finish(async () => {
      drained = true;
    });
    expect(outcomes[0]!.batch.isActive()).toBe(false);
    setTimeout(() => {
      outcomes[0]!.resolve();
      outcomes[1]!.reject(new RetryAbortedError(new Error('stopping')));
    }, 20);
    await finished;
    expect(drained).toBe(true);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);
  });
});
