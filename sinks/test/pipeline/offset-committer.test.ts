import type { PartitionOffset } from '@fleet/runtime';
import { describe, expect, it } from 'vitest';
import { createOffsetCommitter } from '../../src/pipeline/offset-committer';

const at = (partition: number, offset: string): PartitionOffset => ({ topic: 't', partition, offset });

describe('offset committer', () => {
  it('sends one request at a time, each with the latest offset per partition', async () => {
    const requests: PartitionOffset[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const committer = createOffsetCommitter(async (offsets) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      requests.push([...offsets]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return true;
    }, () => undefined);
    committer.add(at(0, '10'));
    committer.add(at(0, '20'));
    committer.add(at(1, '5'));
    committer.add(at(0, '30'));
    await committer.flush();
    expect(maxInFlight).toBe(1);
    expect(requests).toEqual([[at(0, '10')], [at(0, '30'), at(1, '5')]]);
  });

  it('drops queued offsets on clear (a rejoin)', async () => {
    const requests: PartitionOffset[][] = [];
    const committer = createOffsetCommitter(async (offsets) => {
      requests.push([...offsets]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return true;
    }, () => undefined);
    committer.add(at(0, '10'));
    committer.add(at(0, '20'));
    committer.clear();
    await committer.flush();
    expect(requests).toEqual([[at(0, '10')]]);
  });
});
