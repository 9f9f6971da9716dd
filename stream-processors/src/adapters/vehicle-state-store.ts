import { startTableFollower, type TableFollower } from '@fleet/runtime';
import type { Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Per-vehicle detector state backed by a compacted changelog topic (key = vehicleId, JSON value).
 *
 * Every instance follows the whole changelog; before it processes a partition after a (re)join it
 * waits until the follower has read that partition's changelog up to its end, so state written by
 * the previous owner (crash, rebalance) is in place. The working copy for owned vehicles is kept
 * apart from the follower's table: our own changelog echoes arrive late and must not roll it back.
 */
export interface VehicleStateStore<S> {
  /** The group membership changed: every partition must be restored again before it is processed. */
  invalidate(): void;
  ensureRestored(partition: number): Promise<void>;
  get(vehicleId: string): S | undefined;
  /** Records the states of a batch whose changelog records were acknowledged by Kafka. */
  commit(states: ReadonlyMap<string, S>): void;
  /** Changelog records for a batch, written to the same partition number as the telemetry it came from. */
  changelogMessages(states: ReadonlyMap<string, S>, partition: number): Message[];
  size(): number;
  stop(): Promise<void>;
}

export async function startVehicleStateStore<S>(options: {
  kafka: Kafka;
  topic: string;
  groupIdPrefix: string;
  log: Logger;
}): Promise<VehicleStateStore<S>> {
  const follower: TableFollower<S> = await startTableFollower<S>({
    kafka: options.kafka,
    topic: options.topic,
    parse: (_key, value) => JSON.parse(value.toString('utf8')) as S,
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
    get: (vehicleId) => working.get(vehicleId) ?? follower.table.get(vehicleId),
    commit(states) {
      for (const [vehicleId, state] of states) working.set(vehicleId, state);
    },
    changelogMessages: (states, partition) =>
      [...states].map(([vehicleId, state]) => ({ key: vehicleId, value: JSON.stringify(state), partition })),
    size: () => Math.max(working.size, follower.table.size),
    stop: () => follower.stop(),
  };
}
