import { describe, expect, it } from 'vitest';
import { DueQueue } from '../src/due-queue';
import { LatencyHistogram } from '../src/latency-histogram';

describe('DueQueue', () => {
  it('pops vehicles in due-time order', () => {
    const queue = new DueQueue();
    const dues = [50, 10, 40, 10, 30, 20, 60, 0];
    for (const [index, due] of dues.entries()) queue.push(due, index);
    const order: number[] = [];
    while (queue.size > 0) {
      order.push(queue.peekDue());
      queue.pop();
    }
    expect(order).toEqual([...dues].sort((a, b) => a - b));
    expect(queue.peekDue()).toBe(Number.POSITIVE_INFINITY);
    expect(queue.pop()).toBeUndefined();
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles within its 5 % bucket precision', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    const summary = histogram.summary();
    expect(summary?.count).toBe(1000);
    expect(summary?.p50).toBeGreaterThanOrEqual(500);
    expect(summary?.p50).toBeLessThanOrEqual(525);
    expect(summary?.p99).toBeGreaterThanOrEqual(990);
    expect(summary?.p99).toBeLessThanOrEqual(1000);
    expect(summary?.max).toBe(1000);
    expect(new LatencyHistogram().summary()).toBeNull();
  });
});
