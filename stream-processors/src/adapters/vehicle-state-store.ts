import { startTableFollower, type TableFollower } from '@fleet/runtime';
import type { Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Per-vehicle detector state backed by a compacted changelog topic (key = vehicleId, JSON value),
 * written at checkpoints (see StateCheckpoints).
 *
 * Every instance follows the whole changelog; before it processes a partition after a (re)join it
 * waits until the follower has read that partition's changelog up to its end, so state written by
 * the previous owner (crash, rebalance) is in place. The working copy for owned vehicles is kept
 * apart from the follower's table: our own changelog echoes arrive late and must not roll it back.
 *
 * Each changelog partition also holds an events mark: the end offset of the co-partitioned events
 * partition when its states were last written. Events past the mark came from a batch whose states
 * never reached the changelog (a crash in between), so the next owner knows where to look for them.
 */
export interface VehicleStateStore<S> {
  /** The group membership changed: every partition must be restored again before it is processed. */
  invalidate(): void;
  ensureRestored(partition: number): Promise<void>;
  get(vehicleId: string): S | undefined;
  /** Makes a handled batch's states the working copy (they become durable with the partition's next checkpoint). */
  commit(states: ReadonlyMap<string, S>): void;
  /**
   * Changelog records for a batch, written to the same partition number as the telemetry it came
   * from; the events mark (when the batch wrote events) goes last, so it is durable only if the states are.
   */
  changelogMessages(states: ReadonlyMap<string, S>, partition: number, eventsMark?: bigint): Message[];
  /** The events mark of a restored partition (undefined: never written). */
  eventsMark(partition: number): bigint | undefined;
  size(): number;
  stop(): Promise<void>;
}

/** Vehicle ids cannot contain '#' (contracts), so a mark never shadows a vehicle's state. */
const eventsMarkKey = (partition: number) => `#events-mark/${partition}`;

export async function startVehicleStateStore<S>(options: {
  kafka: Kafka;
  topic: string;
  groupIdPrefix: string;
  log: Logger;
}): Promise<VehicleStateStore<S>> {
  // The follower keeps the raw JSON: every instance follows the whole changelog, including the echo
  // of its own writes, and only the states of vehicles it processes ever need parsing (once each,
  // on first use after a restore). A copy, because the record is a view into a whole fetch response.
  const follower: TableFollower<Buffer> = await startTableFollower<Buffer>({
    kafka: options.kafka,
    topic: options.topic,
    parse: (_key, value) => Buffer.from(value),
    groupIdPrefix: `${options.groupIdPrefix}-state`,
    log: options.log,
  });
  const working = new Map<string, S>();
  const restored = new Set<number>();

  return {
    invalidate() {
      working.clear();
      restored.clear();
    },
    async ensureRestored(partition) {
      if (restored.has(partition)) return;
      await follower.caughtUp({ partitions: [partition], timeoutMs: 120_000 });
      restored.add(partition);
      options.log.info({ partition }, 'vehicle state restored from the changelog');
    },
    get(vehicleId) {
      const own = working.get(vehicleId);
      if (own !== undefined) return own;
      const raw = follower.table.get(vehicleId);
      if (raw === undefined) return undefined;
      try {
        const state = JSON.parse(raw.toString('utf8')) as S;
        // The restored state is durable (read from the changelog), so it can serve as the working copy.
        working.set(vehicleId, state);
        return state;
      } catch {
        options.log.warn({ vehicleId }, 'changelog state is not JSON; the vehicle starts from a fresh state');
        return undefined;
      }
    },
    commit(states) {
      for (const [vehicleId, state] of states) working.set(vehicleId, state);
    },
    changelogMessages(states, partition, eventsMark) {
      const messages: Message[] = [...states].map(([vehicleId, state]) => ({
        key: vehicleId,
        value: Buffer.from(JSON.stringify(state)),
        partition,
      }));
      if (eventsMark !== undefined) messages.push({ key: eventsMarkKey(partition), value: eventsMark.toString(), partition });
      return messages;
    },
    eventsMark(partition) {
      const raw = follower.table.get(eventsMarkKey(partition))?.toString('utf8');
      return raw !== undefined && /^\d+$/.test(raw) ? BigInt(raw) : undefined;
    },
    size: () => Math.max(working.size, follower.table.size),
    stop: () => follower.stop(),
  };
}
