import { AppError } from '@fleet/runtime';
import { describe, expect, it } from 'vitest';
import type { OutRecord } from '../../src/adapters/kafka-records';
import { RecordBatcher } from '../../src/adapters/record-batcher';

// The batcher's ordering/back-pressure logic with a scripted send; Kafka itself is covered by
// the tests against the real broker.
const record = (key: string, bytes = 10): OutRecord => ({
  topic: 't',
  key,
  value: Buffer.from(key),
  bytes,
  kind: 'telemetry',
});

function batcher(send: (records: OutRecord[]) => Promise<void>, overrides: Partial<ConstructorParameters<typeof RecordBatcher>[0]> = {}) {
  return new RecordBatcher({
    send,
    lingerMs: 2,
    maxRecords: 3,
    maxBytes: 1000,
    maxInFlightRecords: 5,
    maxInFlightBytes: 10_000,
    backoff: { initialMs: 1, maxMs: 2 },
    ...overrides,
  });
}

describe('RecordBatcher', () => {
  it('sends in order, in batches of at most maxRecords, one request at a time', async () => {
    const batches: string[][] = [];
    let concurrent = 0;
    const b = batcher(async (records) => {
      concurrent++;
      expect(concurrent).toBe(1);
      batches.push(records.map((r) => r.key));
      await new Promise((resolve) => setTimeout(resolve, 3));
      concurrent--;
    });
    const acked: string[] = [];
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) b.submit(record(key), () => acked.push(key));
    await b.drain();
    expect(batches.flat()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(3);
    expect(acked).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('retries a failed batch as a whole before anything newer, then acks', async () => {
    const attempts: string[][] = [];
    let failures = 2;
    const b = batcher(async (records) => {
      attempts.push(records.map((r) => r.key));
      if (failures-- > 0) throw new AppError('KAFKA_UNAVAILABLE', 'down', { retriable: true });
    });
    const acks: (Error | undefined)[] = [];
    b.submit(record('a'), (e) => acks.push(e));
    b.submit(record('b'), (e) => acks.push(e));
    while (attempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    b.submit(record('c'), (e) => acks.push(e));
    await b.drain();
    expect(attempts.slice(0, 3)).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b']]);
    expect(attempts.slice(3)).toEqual([['c']]);
    expect(acks).toEqual([undefined, undefined, undefined]);
  });

  it('fails a batch rejected permanently without acknowledging it', async () => {
    const b = batcher(async () => {
      throw new AppError('KAFKA_REJECTED', 'too large', { retriable: false });
    });
    const acks: (Error | undefined)[] = [];
    b.submit(record('a'), (e) => acks.push(e));
    await b.drain();
    expect(acks[0]?.message).toContain('too large');
  });

  it('reports no capacity beyond the in-flight bound and resumes waiters when it drains', async () => {
    let release!: () => void;
    const b = batcher(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      { maxRecords: 10 },
    );
    for (let i = 0; i < 5; i++) b.submit(record(String(i)), () => {});
    expect(b.hasCapacity()).toBe(false);
    let resumed = false;
    b.whenCapacity(() => {
      resumed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resumed).toBe(false);
    release();
    await b.drain();
    expect(resumed).toBe(true);
  });

  it('abort fails queued records so their senders get no acknowledgement', async () => {
    const b = batcher(
      async () => {
        throw new AppError('KAFKA_UNAVAILABLE', 'down', { retriable: true });
      },
      { backoff: { initialMs: 50, maxMs: 50 } },
    );
    const acks: (Error | undefined)[] = [];
    b.submit(record('a'), (e) => acks.push(e));
    await new Promise((resolve) => setTimeout(resolve, 20));
    b.abort();
    await b.drain();
    expect(acks).toHaveLength(1);
    expect(acks[0]).toBeInstanceOf(Error);
  });
});
