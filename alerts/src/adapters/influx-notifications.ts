import { createHash } from 'node:crypto';
import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '@fleet/runtime';
import type { Counter } from 'prom-client';

export interface NotificationPoint {
  key: string;
  vehicleId: string;
  type: string;
  status: 'sent' | 'suppressed' | 'failed';
  ts: number;
  recipient: string | null;
  attempts: number;
}

export interface NotificationMetrics {
  write(points: NotificationPoint[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface InfluxOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
  log: Logger;
  failures?: Counter;
}

/**
 * Point time in microseconds: the event time plus a sub-millisecond offset derived from the key,
 * so two notifications of one vehicle and type in the same millisecond do not overwrite each other,
 * while a rewrite of the same notification stays an idempotent upsert.
 */
export function pointTimeMicros(ts: number, key: string): string {
  const offset = createHash('sha256').update(key).digest().readUInt16BE(0) % 1000;
  return (BigInt(ts) * 1000n + BigInt(offset)).toString();
}

export function toPoint(point: NotificationPoint): Point {
  return new Point('notifications')
    .tag('vehicle_id', point.vehicleId)
    .tag('type', point.type)
    .tag('channel', 'email')
    .tag('status', point.status)
    .stringField('event_id', point.key)
    .stringField('recipient', point.recipient ?? '')
    .intField('attempts', point.attempts)
    .timestamp(pointTimeMicros(point.ts, point.key));
}

/**
 * The `notifications` measurement. Writes are batched and retried by the client in the background:
 * this is the analysts' view, the compacted topic is the record of truth, so an InfluxDB outage
 * never holds up an email (failures are logged and counted).
 */
export function createInfluxNotifications(options: InfluxOptions): NotificationMetrics {
  const writeApi: WriteApi = new InfluxDB({ url: options.url, token: options.token }).getWriteApi(
    options.org,
    options.bucket,
    'us',
    {
      flushInterval: 1000,
      maxRetries: 5,
      maxRetryDelay: 30_000,
      writeFailed: (error, lines, attempt) => {
        options.log.warn({ err: error, lines: lines.length, attempt }, 'InfluxDB notifications write failed');
        options.failures?.inc();
      },
    },
  );
  return {
    write: (points) => writeApi.writePoints(points.map(toPoint)),
    flush: () => writeApi.flush(),
    close: () => writeApi.close(),
  };
}
