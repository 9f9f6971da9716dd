import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app-error';
import { backoffDelay, RetryAbortedError, retryTransient } from '../src/backoff';

const transient = () => new AppError('DOWN', 'dependency down', { retriable: true });
const permanent = () => new AppError('BAD', 'bad input', { retriable: false });
const noSleep = async () => {};

describe('backoffDelay', () => {
  it('grows exponentially and is capped, with jitter between half and all of the ceiling', () => {
    const options = { initialMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(800);
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
    expect(backoffDelay(100, options, () => 0)).toBe(500);
  });
});

describe('retryTransient', () => {
  it('retries transient failures until the operation succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryTransient(
      async () => {
        calls++;
        if (calls < 4) throw transient();
        return 'written';
      },
      { sleep: noSleep, backoff: { initialMs: 1, maxMs: 2 }, onRetry: (_error, attempt) => retries.push(attempt) },
    );
    expect(result).toBe('written');
    expect(calls).toBe(4);
    expect(retries).toEqual([0, 1, 2]);
  });

  it('rethrows a permanent failure at once', async () => {
    let calls = 0;
    await expect(
      retryTransient(
        async () => {
          calls++;
          throw permanent();
        },
        { sleep: noSleep },
      ),
    ).rejects.toMatchObject({ code: 'BAD' });
    expect(calls).toBe(1);
  });

  it('honours a server-requested wait', async () => {
    const delays: number[] = [];
    let calls = 0;
    await retryTransient(
      async () => {
        if (calls++ === 0) throw transient();
      },
      { sleep: noSleep, retryAfterMs: () => 3000, onRetry: (_e, _a, delayMs) => delays.push(delayMs) },
    );
    expect(delays).toEqual([3000]);
  });

  it('stops with RetryAbortedError when told to stop', async () => {
    let active = true;
    const attempt = retryTransient(
      async () => {
        active = false;
        throw transient();
      },
      { sleep: noSleep, shouldContinue: () => active },
    );
    await expect(attempt).rejects.toBeInstanceOf(RetryAbortedError);
  });
});
