import { AppError, errorMessage } from '@fleet/runtime';
import type { Producer } from 'kafkajs';
import type { TableFollower } from './table-follower';

export interface TableWrite {
  key: string;
  /** The JSON value, or null for a tombstone (delete). */
  value: unknown;
}

/**
 * Writes to compacted topics (acks=all through the idempotent producer) and returns once the
 * follower has read the write back, so the writer's next read sees it (read-your-writes).
 */
export class TableWriter {
  constructor(
    private readonly producer: Producer,
    private readonly follower: TableFollower,
  ) {}

  async write(topic: string, writes: TableWrite[]): Promise<void> {
    if (writes.length === 0) return;
    let metadata: Awaited<ReturnType<Producer['send']>>;
    try {
      metadata = await this.producer.send({
        topic,
        acks: -1,
        messages: writes.map(({ key, value }) => ({ key, value: value === null ? null : JSON.stringify(value) })),
      });
    } catch (error) {
      throw new AppError('KAFKA_WRITE_FAILED', `writing to ${topic}: ${errorMessage(error)}`, { retriable: true, cause: error });
    }
    const only = metadata[0];
    if (writes.length === 1 && metadata.length === 1 && only?.baseOffset !== undefined) {
      await this.follower.waitForOffset(topic, only.partition, Number(only.baseOffset) + 1);
    } else {
      await this.follower.syncTo(topic);
    }
  }
}
