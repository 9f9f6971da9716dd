import type { PartitionOffset } from '@fleet/runtime';

/**
 * Which Kafka offsets may be committed when batches become durable out of order. Per partition,
 * batches are tracked in fetch order and only the contiguous prefix of durable ones is released:
 * a batch still being written, abandoned (revoked, stopping) or failed holds back every later
 * batch of its partition. Pure bookkeeping: no I/O, no timers.
 */
export interface CommitTracker {
  /**
   * Registers a batch in the order the consumer delivers them (one partition is never handled
   * concurrently). A batch that starts before the previous one's end means the consumer rewound
   * the partition (it refetches from the last commit): what was tracked for it is forgotten.
   */
  track(topic: string, partition: number, firstOffset: string, lastOffset: string): BatchTicket;
  /** The batch is durable: the partition's offset to commit when its durable prefix grew. */
  durable(ticket: BatchTicket): PartitionOffset | undefined;
  /** The batch will not become durable and must be replayed; nothing after it commits. */
  abandoned(ticket: BatchTicket): void;
  /** Like abandoned, and the partition reports `error` until the next epoch (see failureOf). */
  failed(ticket: BatchTicket, error: unknown): void;
  /** The permanent failure blocking a partition in this epoch, if any. */
  failureOf(topic: string, partition: number): { error: unknown } | undefined;
  /**
   * A group (re)join: the consumer refetches from the committed offsets, so every tracked batch is
   * forgotten and the outcomes of earlier tickets are ignored.
   */
  newEpoch(): void;
  /** Batches tracked in this epoch whose offsets are not released yet. */
  uncommitted(): number;
}

export interface BatchTicket {
  readonly topic: string;
  readonly partition: number;
  /** False once the epoch changed or the partition was rewound: the outcome no longer matters. */
  isCurrent(): boolean;
}

type BatchState = 'writing' | 'durable' | 'abandoned' | 'failed';

interface Lane {
  batches: TrackedBatch[];
  /** The offset after the last tracked batch (rewind detection). */
  end: bigint;
  failure: { error: unknown } | undefined;
}

interface TrackedBatch extends BatchTicket {
  readonly lane: Lane;
  readonly next: bigint;
  state: BatchState;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function createCommitTracker(): CommitTracker {
  let lanes = new Map<string, Lane>();
  let uncommitted = 0;

  function newLane(): Lane {
    return { batches: [], end: -1n, failure: undefined };
  }

  function asTracked(ticket: BatchTicket): TrackedBatch | undefined {
    const batch = ticket as TrackedBatch;
    return batch.isCurrent() && batch.state === 'writing' ? batch : undefined;
  }

  return {
    track(topic, partition, firstOffset, lastOffset) {
      const key = keyOf(topic, partition);
      let lane = lanes.get(key);
      const first = BigInt(firstOffset);
      if (!lane || first < lane.end) {
        if (lane) uncommitted -= lane.batches.length;
        lane = newLane();
        lanes.set(key, lane);
      }
      const owner = lane;
      const batch: TrackedBatch = {
        topic,
        partition,
        lane,
        next: BigInt(lastOffset) + 1n,
        state: 'writing',
        isCurrent: () => lanes.get(key) === owner,
      };
      lane.batches.push(batch);
      lane.end = batch.next;
      uncommitted++;
      return batch;
    },

    durable(ticket) {
      const batch = asTracked(ticket);
      if (!batch) return undefined;
      batch.state = 'durable';
      const lane = batch.lane;
      let released: TrackedBatch | undefined;
      while (lane.batches[0]?.state === 'durable') {
        released = lane.batches.shift();
        uncommitted--;
      }
      return released ? { topic: released.topic, partition: released.partition, offset: released.next.toString() } : undefined;
    },

    abandoned(ticket) {
      const batch = asTracked(ticket);
      // It stays at its place in the lane: the release loop in durable() never passes it.
      if (batch) batch.state = 'abandoned';
    },

    failed(ticket, error) {
      const batch = asTracked(ticket);
      if (!batch) return;
      batch.state = 'failed';
      batch.lane.failure ??= { error };
    },

    failureOf(topic, partition) {
      return lanes.get(keyOf(topic, partition))?.failure;
    },

    newEpoch() {
      lanes = new Map();
      uncommitted = 0;
    },

    uncommitted: () => uncommitted,
  };
}
