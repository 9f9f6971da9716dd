import type { Logger } from '@fleet/runtime';
import type { Admin } from 'kafkajs';

export interface LagTarget {
  groupId: string;
  topic: string;
}

export type LagSink = (labels: { group: string; topic: string; partition: string }, lag: number) => void;

/** Committed-offset lag per partition: high watermark minus the group's committed offset. */
export async function fetchLag(admin: Admin, target: LagTarget): Promise<Map<number, number>> {
  const [committed, latest] = await Promise.all([
    admin.fetchOffsets({ groupId: target.groupId, topics: [target.topic] }),
    admin.fetchTopicOffsets(target.topic),
  ]);
  const committedByPartition = new Map<number, bigint>();
  for (const { partition, offset } of committed[0]?.partitions ?? []) {
    committedByPartition.set(partition, BigInt(offset));
  }
  const lag = new Map<number, number>();
  for (const { partition, high, low } of latest) {
    const done = committedByPartition.get(partition) ?? -1n;
    const start = done < 0n ? BigInt(low) : done;
    lag.set(partition, Number(BigInt(high) - start));
  }
  return lag;
}

/**
 * Polls the committed lag of each group (the runtime's batch consumer only reports the lag of what
 * it fetched, and registers a fixed metric name that two consumers cannot share).
 */
export function startLagMonitor(admin: Admin, targets: readonly LagTarget[], intervalMs: number, sink: LagSink, log: Logger): () => void {
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      for (const target of targets) {
        for (const [partition, lag] of await fetchLag(admin, target)) {
          sink({ group: target.groupId, topic: target.topic, partition: String(partition) }, lag);
        }
      }
    } catch (error) {
      log.debug({ err: error }, 'consumer lag poll failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  void poll();
  return () => clearInterval(timer);
}
