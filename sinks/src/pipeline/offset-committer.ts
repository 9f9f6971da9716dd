import type { PartitionOffset } from '@fleet/runtime';

export interface OffsetCommitter {
  /** Queues a partition's offset; a later offset of the same partition replaces a queued one. */
  add(offset: PartitionOffset): void;
  /** Forgets queued offsets (a group rejoin: they belong to the previous assignment). */
  clear(): void;
  /** Resolves once every queued offset was sent and no commit is in flight. */
  flush(): Promise<void>;
}

/**
 * Sends commits one request at a time, each carrying the latest offset of every partition that
 * advanced meanwhile: concurrent requests could reach the coordinator out of order and move an
 * offset back, and one request per durable batch would be wasted round trips.
 */
export function createOffsetCommitter(
  commit: (offsets: readonly PartitionOffset[]) => Promise<boolean>,
  onError: (error: unknown) => void,
): OffsetCommitter {
  let queued = new Map<string, PartitionOffset>();
  let running: Promise<void> | undefined;

  async function drainQueue(): Promise<void> {
    while (queued.size > 0) {
      const offsets = [...queued.values()];
      queued = new Map();
      // A refused commit (false) is not retried: the partition's next owner replays from the previous one.
      await commit(offsets);
    }
  }

  function start(): void {
    running ??= drainQueue()
      .catch(onError)
      .finally(() => {
        running = undefined;
        // add() during the last request's settlement found `running` still set.
        if (queued.size > 0) start();
      });
  }

  return {
    add(offset) {
      queued.set(`${offset.topic}\u0000${offset.partition}`, offset);
      start();
    },
    clear() {
      queued.clear();
    },
    async flush() {
      while (running) await running;
    },
  };
}
