import type { VehicleEvent } from '@fleet/contracts';
import { type AvroDecoder, errorMessage, type PartitionBatch, readPartitionTail } from '@fleet/runtime';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Keeps a takeover from writing an event twice. A crash after a batch's events were acknowledged
 * but before its states reached the changelog makes the next owner replay that batch from the old
 * states and detect the same events again (same ids: detection is deterministic). Before processing
 * a partition, the guard reads the events written there since the changelog's events mark; a
 * replayed event whose id is among them is dropped instead of written again.
 */
export interface ReplayGuard {
  /** The group membership changed: every partition is looked at again before it is processed. */
  invalidate(): void;
  /**
   * Reads, once per assignment, the ids of the events in the batch's partition at or after the
   * events mark (asked for only then; undefined: from the start), heartbeating while Kafka is away.
   */
  ensureLoaded(batch: Pick<PartitionBatch, 'partition' | 'isActive' | 'heartbeat'>, eventsMark: () => bigint | undefined): Promise<void>;
  /** The events not yet in the events topic; each already-written id drops one replayed event. */
  unwritten(partition: number, events: VehicleEvent[]): VehicleEvent[];
}

export function createReplayGuard(options: {
  kafka: Kafka;
  eventsTopic: string;
  decode: AvroDecoder<VehicleEvent>;
  groupIdPrefix: string;
  log: Logger;
  onDropped: (count: number) => void;
}): ReplayGuard {
  const written = new Map<number, Set<string>>();

  async function eventIdsSince(
    { partition, isActive, heartbeat }: Pick<PartitionBatch, 'partition' | 'isActive' | 'heartbeat'>,
    fromOffset: bigint,
  ): Promise<Set<string>> {
    const messages = await readPartitionTail({
      kafka: options.kafka,
      topic: options.eventsTopic,
      partition,
      fromOffset,
      groupIdPrefix: `${options.groupIdPrefix}-replay-guard`,
      retry: { shouldContinue: isActive, whileWaiting: heartbeat },
    });
    const ids = new Set<string>();
    for (const message of messages) {
      if (message.value === null) continue;
      try {
        ids.add((await options.decode(message.value)).eventId);
      } catch (error) {
        // Not an event this processor could have written: it cannot be replayed either.
        options.log.warn({ partition, offset: message.offset, err: errorMessage(error) }, 'skipping an undecodable event record');
      }
    }
    return ids;
  }

  return {
    invalidate: () => written.clear(),
    async ensureLoaded(batch, eventsMark) {
      const { partition } = batch;
      if (written.has(partition)) return;
      const ids = await eventIdsSince(batch, eventsMark() ?? 0n);
      written.set(partition, ids);
      if (ids.size > 0) options.log.info({ partition, events: ids.size }, 'events written after the last changelog mark; replays of them are dropped');
    },
    unwritten(partition, events) {
      const ids = written.get(partition);
      if (ids === undefined || ids.size === 0) return events;
      const fresh = events.filter((event) => !ids.delete(event.eventId));
      if (fresh.length < events.length) options.onDropped(events.length - fresh.length);
      return fresh;
    },
  };
}
