import { describe, expect, it } from 'vitest';
import { createCommitTracker } from '../../src/pipeline/commit-tracker';

const T = 'telemetry';

describe('commit tracker', () => {
  it('releases batches that complete out of order only as a contiguous prefix', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '99');
    const b = tracker.track(T, 0, '100', '199');
    const c = tracker.track(T, 0, '200', '299');
    expect(tracker.uncommitted()).toBe(3);
    expect(tracker.durable(c)).toBeUndefined();
    expect(tracker.durable(b)).toBeUndefined();
    expect(tracker.durable(a)).toEqual({ topic: T, partition: 0, offset: '300' });
    expect(tracker.uncommitted()).toBe(0);
  });

  it('keeps partitions independent', () => {
    const tracker = createCommitTracker();
    const p0 = tracker.track(T, 0, '0', '9');
    const p1 = tracker.track(T, 1, '50', '59');
    expect(tracker.durable(p1)).toEqual({ topic: T, partition: 1, offset: '60' });
    expect(tracker.durable(p0)).toEqual({ topic: T, partition: 0, offset: '10' });
  });

  it('commits after the last record of a batch even when offsets skip (compaction, control records)', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '9');
    const b = tracker.track(T, 0, '15', '20');
    expect(tracker.durable(a)).toEqual({ topic: T, partition: 0, offset: '10' });
    expect(tracker.durable(b)).toEqual({ topic: T, partition: 0, offset: '21' });
  });

  it('a permanent failure blocks every later batch of its partition and is reported until the next epoch', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '9');
    const b = tracker.track(T, 0, '10', '19');
    const c = tracker.track(T, 0, '20', '29');
    const other = tracker.track(T, 1, '0', '9');
    const error = new Error('DLQ refused');
    expect(tracker.durable(a)).toEqual({ topic: T, partition: 0, offset: '10' });
    tracker.failed(b, error);
    expect(tracker.durable(c)).toBeUndefined();
    expect(tracker.failureOf(T, 0)).toEqual({ error });
    expect(tracker.failureOf(T, 1)).toBeUndefined();
    expect(tracker.durable(other)).toEqual({ topic: T, partition: 1, offset: '10' });
    const d = tracker.track(T, 0, '30', '39');
    expect(tracker.durable(d)).toBeUndefined();
    expect(tracker.uncommitted()).toBe(3);

    tracker.newEpoch();
    expect(tracker.failureOf(T, 0)).toBeUndefined();
    expect(tracker.uncommitted()).toBe(0);
  });

  it('an abandoned batch (revoked, stopping) blocks later ones without reporting a failure', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '9');
    const b = tracker.track(T, 0, '10', '19');
    tracker.abandoned(a);
    expect(tracker.durable(b)).toBeUndefined();
    expect(tracker.failureOf(T, 0)).toBeUndefined();
    expect(tracker.uncommitted()).toBe(2);
  });

  it('ignores outcomes from before an epoch bump (group rejoin)', () => {
    const tracker = createCommitTracker();
    const stale = tracker.track(T, 0, '0', '99');
    tracker.newEpoch();
    expect(stale.isCurrent()).toBe(false);
    // The consumer refetches from the committed offset: the same records again, in a new ticket.
    const replay = tracker.track(T, 0, '0', '49');
    expect(tracker.durable(stale)).toBeUndefined();
    tracker.failed(stale, new Error('late failure'));
    expect(tracker.failureOf(T, 0)).toBeUndefined();
    expect(tracker.durable(replay)).toEqual({ topic: T, partition: 0, offset: '50' });
  });

  it('forgets a partition the consumer rewound, so its earlier batches cannot commit past the replay', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '99');
    const b = tracker.track(T, 0, '100', '199');
    const rewound = tracker.track(T, 0, '100', '149');
    expect(b.isCurrent()).toBe(false);
    expect(tracker.durable(a)).toBeUndefined();
    expect(tracker.durable(b)).toBeUndefined();
    expect(tracker.uncommitted()).toBe(1);
    expect(tracker.durable(rewound)).toEqual({ topic: T, partition: 0, offset: '150' });
  });

  it('settles a ticket once: a late outcome after release changes nothing', () => {
    const tracker = createCommitTracker();
    const a = tracker.track(T, 0, '0', '9');
    expect(tracker.durable(a)).toEqual({ topic: T, partition: 0, offset: '10' });
    tracker.failed(a, new Error('late'));
    expect(tracker.failureOf(T, 0)).toBeUndefined();
    expect(tracker.durable(a)).toBeUndefined();
  });
});
