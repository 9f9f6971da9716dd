import { silentLogger } from '@fleet/runtime';
import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { SendContext } from '../../src/adapters/acked-sender';
import { createStateCheckpoints } from '../../src/adapters/state-checkpoints';

/**
 * The checkpoint rules, with the produce acknowledgement under the test's control (a slow ack is
 * what a real broker will not produce on demand); the Kafka round trip is in telemetry-batch-handler.test.ts.
 */
function harness(intervalMs: number) {
  let clock = 0;
  const sent: string[][] = [];
  const acks: (() => void)[] = [];
  const commits: string[] = [];
  const checkpoints = createStateCheckpoints<number>({
    states: {
      changelogMessages: (states, partition, mark): Message[] => [
        ...[...states].map(([vehicleId, state]) => ({ key: vehicleId, value: `${state}`, partition })),
        ...(mark === undefined ? [] : [{ key: `#mark/${partition}`, value: mark.toString(), partition }]),
      ],
    },
    stateTopic: 'state',
    send: (requests: TopicMessages[]) =>
      new Promise<RecordMetadata[]>((resolve) => {
        sent.push(requests.flatMap(({ messages }) => messages.map((message) => `${message.key}=${message.value}`)));
        acks.push(() => resolve([]));
      }),
    commit: async (offsets) => {
      commits.push(...offsets.map(({ partition, offset }) => `${partition}@${offset}`));
      return true;
    },
    intervalMs,
    log: silentLogger(),
    now: () => clock,
  });
  const context = (partition: number, active = () => true): SendContext & { topic: string } => ({
    topic: 'telemetry',
    partition,
    isActive: active,
    heartbeat: async () => {},
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    checkpoints,
    sent,
    commits,
    context,
    advance: (ms: number) => {
      clock += ms;
    },
    ackAll: async () => {
      await settle();
      while (acks.length > 0) {
        acks.shift()?.();
        await settle();
      }
    },
    settle,
  };
}

describe('state checkpoints', () => {
  it('keep the latest state per vehicle and the latest events mark until the interval is up, then commit past the last batch', async () => {
    const h = harness(1000);
    await h.checkpoints.record({ context: h.context(0), lastOffset: '9', changed: new Map([['a', 1], ['b', 1]]), eventsMark: 3n });
    h.advance(400);
    await h.checkpoints.record({ context: h.context(0), lastOffset: '19', changed: new Map([['a', 2]]) });
    expect(h.sent).toEqual([]);

    h.advance(600);
    await h.checkpoints.record({ context: h.context(0), lastOffset: '29', changed: new Map([['c', 3]]), eventsMark: 5n });
    // Due now, but written by the timer's flushDue, never on the batch's path.
    expect(h.sent).toEqual([]);
    const writing = h.checkpoints.flushDue();
    await h.settle();
    expect(h.sent).toEqual([['a=2', 'b=1', 'c=3', '#mark/0=5']]);
    expect(h.commits).toEqual([]);
    await h.ackAll();
    await writing;
    expect(h.commits).toEqual(['0@30']);
  });

  it('write one partition at a time, so an older state never lands after a newer one', async () => {
    const h = harness(0);
    const first = h.checkpoints.record({ context: h.context(1), lastOffset: '0', changed: new Map([['a', 1]]) });
    await h.settle();
    const second = h.checkpoints.record({ context: h.context(1), lastOffset: '1', changed: new Map([['a', 2]]) });
    await h.settle();
    // The second checkpoint waits for the first one's acknowledgement.
    expect(h.sent).toEqual([['a=1']]);
    await h.ackAll();
    await Promise.all([first, second]);
    expect(h.sent).toEqual([['a=1'], ['a=2']]);
    expect(h.commits).toEqual(['1@1', '1@2']);
  });

  it('flush quiet partitions that are still ours when due; forget everything on a rebalance', async () => {
    const h = harness(1000);
    await h.checkpoints.record({ context: h.context(0), lastOffset: '4', changed: new Map([['a', 1]]) });
    await h.checkpoints.record({ context: h.context(1, () => false), lastOffset: '7', changed: new Map([['b', 1]]) });
    await h.checkpoints.flushDue();
    expect(h.sent).toEqual([]);

    h.advance(1000);
    const flushing = h.checkpoints.flushDue();
    await h.ackAll();
    await flushing;
    // Partition 1 was revoked: its next owner replays from the last commit instead.
    expect(h.commits).toEqual(['0@5']);

    await h.checkpoints.record({ context: h.context(2), lastOffset: '1', changed: new Map([['c', 1]]) });
    h.checkpoints.invalidate();
    await h.checkpoints.flushAll();
    expect(h.commits).toEqual(['0@5']);
  });
});
