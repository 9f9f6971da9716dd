import { describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../src/index';

describe('uniqueName', () => {
  it('is unique and safe as a Kafka topic name', () => {
    const names = new Set(Array.from({ length: 200 }, () => uniqueName('alerts test/ü')));
    expect(names.size).toBe(200);
    for (const name of names) {
      expect(name).toMatch(/^alerts-test---[a-z0-9]+-[0-9a-f]{8}$/);
      expect(name.length).toBeLessThan(250);
    }
  });
});

describe('waitFor', () => {
  it('resolves with the first usable value, retrying on throw and on falsy results', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return calls < 4 ? undefined : { calls };
      },
      { intervalMs: 5 },
    );
    expect(value).toEqual({ calls: 4 });
  });

  it('times out with the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still broken');
        },
        { timeoutMs: 50, intervalMs: 5, message: 'the thing' },
      ),
    ).rejects.toThrow(/timed out after 50 ms: the thing \(last error: still broken\)/);
  });
});
