import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { classifyWriteError, isLineRejection } from '../../src/adapters/influx-writer';

const target = { url: 'http://127.0.0.1:1', org: 'o', bucket: 'b', timeoutMs: 1000, maxRetryAfterMs: 60_000 };

function http(status: number, body = '', headers: Record<string, string> = {}) {
  return new HttpError(status, 'x', body, headers['retry-after'], 'application/json', undefined, headers);
}

describe('classifyWriteError', () => {
  it('treats 400/422/413 as a problem of the lines (dead-letter candidates)', () => {
    for (const status of [400, 422, 413]) {
      const error = classifyWriteError(http(status, '{"error":"partial write: field type conflict"}'), target);
      expect(error.retriable).toBe(false);
      expect(isLineRejection(error)).toBe(true);
    }
  });

  it('retries 429/5xx and carries the Retry-After wait', () => {
    const error = classifyWriteError(http(429, '', { 'retry-after': '7' }), target);
    expect(error).toMatchObject({ code: 'INFLUX_UNAVAILABLE', retriable: true, retryAfterMs: 7000, status: 429 });
    expect(classifyWriteError(http(503), target)).toMatchObject({ retriable: true, retryAfterMs: undefined });
  });

  it('retries configuration failures rather than dead-lettering the stream', () => {
    expect(classifyWriteError(http(401), target)).toMatchObject({ code: 'INFLUX_MISCONFIGURED', retriable: true });
    expect(classifyWriteError(http(404, 'database not found'), target)).toMatchObject({ retriable: true });
  });

  it('retries network failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyWriteError(refused, target)).toMatchObject({ code: 'INFLUX_UNAVAILABLE', retriable: true });
  });
});
