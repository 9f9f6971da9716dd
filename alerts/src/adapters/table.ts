import type { Logger } from '@fleet/runtime';
import type { z } from 'zod';
import type { TableRecord } from './table-follower';

/**
 * The in-memory view of one compacted topic: key → latest valid value (tombstones delete).
 * Values are JSON validated with the record schema; an invalid value is logged and ignored
 * (the previous value stays), so one bad write cannot take the service down.
 */
export class Table<S extends z.ZodType> {
  private readonly rows = new Map<string, z.output<S>>();

  constructor(
    readonly topic: string,
    private readonly schema: S,
    private readonly log: Logger,
  ) {}

  apply(record: TableRecord): void {
    if (record.value === null) {
      this.rows.delete(record.key);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(record.value.toString('utf8'));
    } catch {
      this.log.warn({ topic: record.topic, key: record.key, offset: record.offset }, 'ignoring a table record that is not JSON');
      return;
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      this.log.warn(
        { topic: record.topic, key: record.key, offset: record.offset, issues: parsed.error.issues },
        'ignoring a table record that does not match its schema',
      );
      return;
    }
    this.rows.set(record.key, parsed.data);
  }

  get(key: string): z.output<S> | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  values(): IterableIterator<z.output<S>> {
    return this.rows.values();
  }

  get size(): number {
    return this.rows.size;
  }
}
