import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { classifyWriteError, createInfluxWriter, isLineRejection } from '../../src/adapters/influx-writer';
import { telemetryLine } from '../../src/domain/telemetry-line';
import { getInfra, influxQuery, influxTargets, uniqueName } from '../support/harness';
import { reading } from '../support/readings';

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

describe.each(influxTargets(getInfra()))('createInfluxWriter → $name', ({ influx: endpoint }) => {
  it('writes lines as they were built, text outside ASCII included, in one request', async () => {
    const influx = influxQuery(endpoint);
    const writer = createInfluxWriter({ ...endpoint, timeoutMs: 10_000, maxRetryAfterMs: 60_000 }, 'ms');
    const ts = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const ids = [uniqueName('veh-ascii'), `${uniqueName('fahrzeug')}-ü`, `${uniqueName('車両')}`];
    const lines = ids.map((vehicleId, i) => {
      const built = telemetryLine(reading({ vehicleId, ts: ts + i, dtc: i === 2 ? ['P0300', 'Pé'] : [] }));
      if (!built.ok) throw new Error(built.error);
      return built.line;
    });
    await writer.write(lines);
    for (const [i, vehicleId] of ids.entries()) {
      const rows = await influx.telemetryOf(vehicleId, ts - 1000, ts + 1000);
      expect(rows.map((row) => [Date.parse(String(row._time)), row.dtc ?? null])).toEqual([[ts + i, i === 2 ? 'P0300,Pé' : null]]);
    }
  });
});
