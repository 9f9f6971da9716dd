import { AppError, errorMessage } from '@fleet/runtime';
import type { Producer } from 'kafkajs';
import type { Table } from './table';

export interface TableWrite {
  key: string;
  /** The JSON value, or null for a tombstone (delete). */
  value: unknown;
}

/**
 * Writes to compacted topics (acks=all through the idempotent producer) and returns once the
 * table has read the write back, so the writer's next read sees it (read-your-writes).
 */
export class TableWriter {
  constructor(private readonly producer: Producer) {}

  async write(table: Pick<Table<unknown>, 'topic' | 'sync'>, writes: TableWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const { topic } = table;
    try {
      await this.producer.send({
        topic,
        acks: -1,
        messages: writes.map(({ key, value }) => ({ key, value: value === null ? null : JSON.stringify(value) })),
      });
    } catch (error) {
      throw new AppError('KAFKA_WRITE_FAILED', `writing to ${topic}: ${errorMessage(error)}`, { retriable: true, cause: error });
    }
    // acks=all: the high watermark already includes the write, so reading to it reads the write back.
    await table.sync();
  }
}
