import { RetryAbortedError } from '@fleet/runtime';
import { describe, expect, it } from 'vitest';
import { InfluxWriteError, type LineWriter } from '../../src/adapters/influx-writer';
import { lineText } from '../../src/domain/line-protocol';
import { createWriteBatcher, type SubmitContext, type WriteBatcher, type WriteBatcherOptions, type WriteEntry } from '../../src/pipeline/write-batcher';
import { textLine } from '../support/lines';

const active: SubmitContext = { heartbeat: async () => undefined, isActive: () => true };

function entries(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ line: textLine(`${prefix}${i}`), source: `${prefix}${i}` }));
}

function recordingWriter(behaviour: (lines: readonly string[], call: number) => Promise<void> | void = () => undefined) {
  const calls: { lines: readonly string[]; at: number }[] = [];
  const writer: LineWriter = {
    write: async (written) => {
      const lines = written.map(lineText);
      calls.push({ lines, at: performance.now() });
      await behaviour(lines, calls.length);
    },
    ping: async () => true,
  };
  return { writer, calls };
}

function options(writer: LineWriter, overrides: Partial<WriteBatcherOptions> = {}): WriteBatcherOptions {
  return {
    writer,
    batchSize: 100,
    maxWaitMs: 50,
    idleMs: 5,
    maxPending: 1000,
    concurrency: 1,
    backoff: { initialMs: 10, maxMs: 20 },
    ...overrides,
  };
}

/** Submits and waits until the entries are durable (what a handler's background completion does). */
async function untilDurable<T>(batcher: WriteBatcher<T>, batch: readonly WriteEntry<T>[], context = active) {
  return (await batcher.submit(batch, context)).durable;
}

const unavailable = (retryAfterMs?: number) =>
  new InfluxWriteError('INFLUX_UNAVAILABLE', 'down', { retriable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

describe('write batcher', () => {
  it('combines concurrent submissions into one write and resolves each when it is durable', async () => {
    const { writer, calls } = recordingWriter();
    const batcher = createWriteBatcher<string>(options(writer));
    const [a, b] = await Promise.all([untilDurable(batcher, entries('a', 30)), untilDurable(batcher, entries('b', 40))]);
    expect(a).toEqual([]);
    expect(b).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.lines).toHaveLength(70);
    expect(batcher.stats().pending).toBe(0);
  });

  it('splits large submissions into writes of at most batchSize', async () => {
    const { writer, calls } = recordingWriter();
    const batcher = createWriteBatcher<string>(options(writer, { concurrency: 2 }));
    await untilDurable(batcher, entries('a', 250));
    expect(calls.map((call) => call.lines.length)).toEqual([100, 100, 50]);
  });

  it('bounds memory: pending lines never exceed maxPending, submitters wait instead', async () => {
    const { writer } = recordingWriter(() => new Promise((resolve) => setTimeout(resolve, 5)));
    const batcher = createWriteBatcher<string>(options(writer, { maxPending: 200 }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => untilDurable(batcher, entries(`s${i}-`, 150))));
    expect(batcher.stats().maxPendingSeen).toBeLessThanOrEqual(200);
  });

  it('admits without waiting for durability, and holds submitters back only above maxPending', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { writer } = recordingWriter(() => blocked);
    const batcher = createWriteBatcher<string>(options(writer, { maxPending: 200 }));
    const first = await batcher.submit(entries('a', 150), active);
    expect(batcher.stats().pending).toBe(150);
    let secondAdmitted = false;
    const second = batcher.submit(entries('b', 100), active).then((admitted) => {
      secondAdmitted = true;
      return admitted;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondAdmitted).toBe(false);
    release();
    await expect(first.durable).resolves.toEqual([]);
    await expect((await second).durable).resolves.toEqual([]);
    expect(batcher.stats().maxPendingSeen).toBeLessThanOrEqual(200);
  });

  it('retries a transient failure, honouring Retry-After, then resolves', async () => {
    const { writer, calls } = recordingWriter((_, call) => {
      if (call === 1) throw unavailable(300);
    });
    const retries: number[] = [];
    const batcher = createWriteBatcher<string>(options(writer, { onRetry: (_e, _a, delayMs) => retries.push(delayMs) }));
    await untilDurable(batcher, entries('a', 10));
    expect(retries).toEqual([300]);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(295);
  });

  it('returns the lines InfluxDB rejects and writes the rest', async () => {
    const { writer } = recordingWriter((lines) => {
      if (lines.includes('a3')) throw new InfluxWriteError('INFLUX_REJECTED', 'field type conflict', { retriable: false, status: 400 });
    });
    const written: number[] = [];
    const batcher = createWriteBatcher<string>(options(writer, { onWritten: (n) => written.push(n) }));
    const rejected = await untilDurable(batcher, entries('a', 8));
    expect(rejected.map((r) => r.source)).toEqual(['a3']);
    expect(written).toEqual([7]);
  });

  it('gives up (RetryAbortedError) when the submitter loses its partition while InfluxDB is down', async () => {
    const { writer } = recordingWriter(() => {
      throw unavailable();
    });
    let owned = true;
    const heartbeats: number[] = [];
    const batcher = createWriteBatcher<string>(options(writer));
    const done = untilDurable(batcher, entries('a', 5), { heartbeat: async () => void heartbeats.push(1), isActive: () => owned });
    setTimeout(() => {
      owned = false;
    }, 100);
    await expect(done).rejects.toBeInstanceOf(RetryAbortedError);
    expect(batcher.stats().pending).toBe(0);
  });

  it('writes a lone small submission after the idle delay, not the full flush interval', async () => {
    const { writer, calls } = recordingWriter();
    const batcher = createWriteBatcher<string>(options(writer, { maxWaitMs: 5_000, idleMs: 10 }));
    const started = performance.now();
    await untilDurable(batcher, entries('a', 3));
    expect(calls[0]!.at - started).toBeLessThan(1_000);
  });
});
