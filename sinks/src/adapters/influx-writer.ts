import { isAscii } from 'node:buffer';
import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import { AppError, errorMessage } from '@fleet/runtime';
import { type Line, lineProtocolBody } from '../domain/line-protocol';
import { retryAfterMs } from '../domain/retry-after';

export type WritePrecision = 'ms' | 'ns';

export interface InfluxTarget {
  url: string;
  /** InfluxDB 2: an API token; 1.8: `user:password`, or anything when auth is off. */
  token?: string | undefined;
  /** Ignored by InfluxDB 1.8. */
  org: string;
  /** InfluxDB 2: bucket name; 1.8: `database/retention-policy`. */
  bucket: string;
  timeoutMs: number;
  /** Upper bound on a server-requested Retry-After wait. */
  maxRetryAfterMs: number;
}

/** Codes of write failures. Only REJECTED and TOO_LARGE are permanent (the lines, not the server). */
export const INFLUX_ERRORS = {
  rejected: 'INFLUX_REJECTED',
  tooLarge: 'INFLUX_TOO_LARGE',
  unavailable: 'INFLUX_UNAVAILABLE',
  misconfigured: 'INFLUX_MISCONFIGURED',
} as const;

export class InfluxWriteError extends AppError {
  readonly status: number | undefined;
  /** The server's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: { retriable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(code, message, options);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True for errors caused by the written lines themselves (dead-letter candidates). */
export function isLineRejection(error: unknown): boolean {
  return error instanceof InfluxWriteError && !error.retriable;
}

/**
 * Classifies a failed write. 400/422 (type conflict, unparsable line) and 413 are about the data;
 * everything else is about the server or the path to it, so it is retried. 401/403/404 (bad token,
 * missing bucket) are retried too: dead-lettering every point because of a configuration mistake
 * would lose the stream, and an operator can fix it while the partition waits.
 */
export function classifyWriteError(error: unknown, target: InfluxTarget, nowMs = Date.now()): InfluxWriteError {
  if (error instanceof HttpError) {
    const status = error.statusCode;
    const body = (error.body ?? error.message).slice(0, 1000);
    const header = error.headers?.['retry-after'];
    const wait = retryAfterMs(typeof header === 'number' ? String(header) : header, nowMs, target.maxRetryAfterMs);
    const base = { status, cause: error, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    if (status === 400 || status === 422) {
      return new InfluxWriteError(INFLUX_ERRORS.rejected, `InfluxDB rejected the write (${status}): ${body}`, { ...base, retriable: false });
    }
    if (status === 413) {
      return new InfluxWriteError(INFLUX_ERRORS.tooLarge, `InfluxDB refused the request size (413): ${body}`, { ...base, retriable: false });
    }
    if (status === 401 || status === 403 || status === 404) {
      return new InfluxWriteError(
        INFLUX_ERRORS.misconfigured,
        `InfluxDB refused the write (${status}); check INFLUX_TOKEN / INFLUX_ORG / INFLUX_BUCKET: ${body}`,
        { ...base, retriable: true },
      );
    }
    return new InfluxWriteError(INFLUX_ERRORS.unavailable, `InfluxDB write failed (${status}): ${body}`, { ...base, retriable: true });
  }
  return new InfluxWriteError(INFLUX_ERRORS.unavailable, `InfluxDB unreachable: ${errorMessage(error)}`, {
    retriable: true,
    cause: error,
  });
}

/**
 * The transport's request() sends strings only (anything else as JSON), so the body becomes one
 * string per request. Lines are nearly always ASCII, which latin1 copies as it is; decoding UTF-8
 * cost about 5 % of the sink's CPU.
 */
function bodyText(body: Buffer): string {
  return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
}

export interface LineWriter {
  /** One HTTP write of the lines; throws an InfluxWriteError. No retries, no buffering. */
  write(lines: readonly Line[]): Promise<void>;
  /** GET /ping: true when the server answers. */
  ping(): Promise<boolean>;
}

/**
 * Writes through the client's transport (`/api/v2/write`, served by InfluxDB 2 and by 1.8's
 * compatibility API) rather than its WriteApi: the WriteApi's retry buffer drops lines when full
 * and on close, and its flush timer would decide when data is durable. Here every call is one
 * request whose outcome the caller sees, so offsets can follow durability.
 */
export function createInfluxWriter(target: InfluxTarget, precision: WritePrecision): LineWriter {
  const client = new InfluxDB({ url: target.url, ...(target.token ? { token: target.token } : {}), timeout: target.timeoutMs });
  const path = `/api/v2/write?org=${encodeURIComponent(target.org)}&bucket=${encodeURIComponent(target.bucket)}&precision=${precision}`;
  const options = { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  return {
    async write(lines) {
      try {
        await client.transport.request(path, bodyText(lineProtocolBody(lines)), options);
      } catch (error) {
        throw classifyWriteError(error, target);
      }
    },
    async ping() {
      try {
        await client.transport.request('/ping', '', { method: 'GET' });
        return true;
      } catch {
        return false;
      }
    },
  };
}
