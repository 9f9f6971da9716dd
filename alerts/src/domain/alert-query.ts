import type { EventType } from '@fleet/contracts';

/** Filter and keyset pagination of the alert history (newest first). */

export interface AlertFilter {
  vehicleIds?: ReadonlySet<string> | undefined;
  type?: EventType | undefined;
  /** Event time range, epoch ms, inclusive from, exclusive to. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface AlertLike {
  key: string;
  vehicleId: string;
  type: EventType;
  ts: number;
}

export interface AlertPage<A> {
  items: A[];
  nextCursor: string | null;
}

/** Opaque cursor: the sort position (ts, key) of the last item returned. */
export function encodeCursor(alert: AlertLike): string {
  return Buffer.from(JSON.stringify([alert.ts, alert.key]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { ts: number; key: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') {
      return { ts: parsed[0], key: parsed[1] };
    }
  } catch {
    // fall through: an invalid cursor is reported by the caller
  }
  return null;
}

/** Newest first; ties broken by key so pages never skip or repeat an alert. */
function compare(a: AlertLike, b: AlertLike): number {
  return b.ts - a.ts || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * One page of alerts matching the filter. `visible` applies the caller's scope. Throws RangeError
 * for an unreadable cursor.
 */
export function queryAlerts<A extends AlertLike>(
  alerts: Iterable<A>,
  filter: AlertFilter,
  visible: (alert: A) => boolean = () => true,
): AlertPage<A> {
  const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
  if (filter.cursor !== undefined && after === null) throw new RangeError('cursor is not valid');
  const matches: A[] = [];
  for (const alert of alerts) {
    if (filter.vehicleIds && !filter.vehicleIds.has(alert.vehicleId)) continue;
    if (filter.type !== undefined && alert.type !== filter.type) continue;
    if (filter.from !== undefined && alert.ts < filter.from) continue;
    if (filter.to !== undefined && alert.ts >= filter.to) continue;
    if (after && compare({ ts: after.ts, key: after.key, vehicleId: '', type: alert.type }, alert) >= 0) continue;
    if (!visible(alert)) continue;
    matches.push(alert);
  }
  matches.sort(compare);
  const items = matches.slice(0, filter.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: matches.length > filter.limit && last ? encodeCursor(last) : null };
}
