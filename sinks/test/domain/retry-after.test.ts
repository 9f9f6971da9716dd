import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/domain/retry-after';

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(retryAfterMs('3', now, 60_000)).toBe(3000);
    expect(retryAfterMs(['0'], now, 60_000)).toBe(0);
  });
  it('reads an HTTP date relative to now', () => {
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now, 60_000)).toBe(5000);
    expect(retryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now, 60_000)).toBe(0);
  });
  it('caps the wait and ignores what it cannot read', () => {
    expect(retryAfterMs('3600', now, 60_000)).toBe(60_000);
    expect(retryAfterMs(undefined, now, 60_000)).toBeUndefined();
    expect(retryAfterMs('soon', now, 60_000)).toBeUndefined();
    expect(retryAfterMs('', now, 60_000)).toBeUndefined();
  });
});
