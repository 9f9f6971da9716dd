import { DEFAULT_MAX_REQUEST_BYTES, type PartitionOffset, splitIntoRequests } from '@fleet/runtime';
import type { Logger } from 'pino';
import type { AckedSender, SendContext } from './acked-sender';
import type { VehicleStateStore } from './vehicle-state-store';

/** What one handled batch leaves to make durable: its changed states, events mark and position. */
export interface HandledBatch<S> {
  context: SendContext & { topic: string };
  lastOffset: string;
  changed: ReadonlyMap<string, S>;
  /** End offset of the co-partitioned events partition after this batch's events (none written: undefined). */
  eventsMark?: bigint;
}

export interface StateCheckpoints<S> {
  /**
   * Takes a handled batch's outputs. With an interval of 0 it writes the checkpoint before
   * returning; otherwise flushDue() does, off the batch's path.
   */
  record(batch: HandledBatch<S>): Promise<void>;
  /** Writes every checkpoint older than the interval (called on a timer). */
  flushDue(): Promise<void>;
  /** Writes every pending checkpoint (graceful stop, after the consumer drained). */
  flushAll(): Promise<void>;
  /** The group membership changed: forget what is pending; the partitions' next owners replay it. */
  invalidate(): void;
}

export interface StateCheckpointsDeps<S> {
  states: Pick<VehicleStateStore<S>, 'changelogMessages'>;
  stateTopic: string;
  send: AckedSender;
  /** Commits telemetry offsets (BatchConsumer.commit); false: refused after a rebalance. */
  commit: (offsets: readonly PartitionOffset[]) => Promise<boolean>;
  /** 0: a checkpoint after every batch. */
  intervalMs: number;
  log: Logger;
  now?: () => number;
  onWritten?: (records: number) => void;
  maxRequestBytes?: number;
}

interface Pending<S> {
  context: HandledBatch<S>['context'];
  nextOffset: string;
  changed: Map<string, S>;
  eventsMark?: bigint;
  since: number;
}

/**
 * A checkpoint is the changelog records of every vehicle state changed since the last one, then
 * the commit of the telemetry offsets they cover, per partition. Between checkpoints the states
 * live only in memory and the offsets stay uncommitted, so a crash replays from the last checkpoint
 * (whose events mark lets the replay guard drop the events already written). Writing a vehicle's
 * state once per interval instead of once per batch is most of the changelog traffic saved.
 */
export function createStateCheckpoints<S>(deps: StateCheckpointsDeps<S>): StateCheckpoints<S> {
  const now = deps.now ?? Date.now;
  const maxRequestBytes = deps.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const pending = new Map<number, Pending<S>>();
  // One checkpoint at a time per partition: an older state must never land after a newer one.
  const writing = new Map<number, Promise<void>>();

  async function write(partition: number): Promise<void> {
    const checkpoint = pending.get(partition);
    if (checkpoint === undefined) return;
    pending.delete(partition);
    const messages = deps.states.changelogMessages(checkpoint.changed, partition, checkpoint.eventsMark);
    for (const request of splitIntoRequests([{ topic: deps.stateTopic, messages }], maxRequestBytes)) {
      await deps.send(request, checkpoint.context);
    }
    deps.onWritten?.(messages.length);
    const offset = { topic: checkpoint.context.topic, partition, offset: checkpoint.nextOffset };
    if (!(await deps.commit([offset]))) deps.log.info(offset, 'checkpoint written but its offsets were not committed (rebalance)');
  }

  function serially(partition: number): Promise<void> {
    const next = (writing.get(partition) ?? Promise.resolve()).then(() => write(partition));
    const settled = next.catch(() => undefined);
    writing.set(partition, settled);
    void settled.then(() => {
      if (writing.get(partition) === settled) writing.delete(partition);
    });
    return next;
  }

  const due = (checkpoint: Pending<S>) => now() - checkpoint.since >= deps.intervalMs;

  return {
    async record(batch) {
      const { partition } = batch.context;
      const checkpoint = pending.get(partition) ?? { context: batch.context, nextOffset: '', changed: new Map<string, S>(), since: now() };
      checkpoint.context = batch.context;
      checkpoint.nextOffset = (BigInt(batch.lastOffset) + 1n).toString();
      for (const [vehicleId, state] of batch.changed) checkpoint.changed.set(vehicleId, state);
      checkpoint.eventsMark = batch.eventsMark ?? checkpoint.eventsMark;
      pending.set(partition, checkpoint);
      // A batch never waits for a checkpoint (a write of hundreds of states and an offset commit):
      // it would hold the whole fetch, and the events of every partition in it.
      if (deps.intervalMs === 0) await serially(partition);
    },
    // A timer checkpoint that races a rebalance may still write its states after the partition
    // moved, with its offset commit refused: harmless, since the new owner's replay skips readings
    // older than a vehicle's state and the replay guard drops events already written.
    async flushDue() {
      const partitions = [...pending].filter(([, checkpoint]) => due(checkpoint) && checkpoint.context.isActive()).map(([partition]) => partition);
      // One after another: serialising thousands of states is CPU work that would otherwise hold
      // the event loop (and the batches waiting on it) for all partitions at once.
      for (const partition of partitions) await serially(partition);
    },
    async flushAll() {
      await Promise.all([...pending.keys()].map(serially));
    },
    invalidate() {
      pending.clear();
    },
  };
}
