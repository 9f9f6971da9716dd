import type { EventType, VehicleEvent } from '@fleet/contracts';

/**
 * Who gets an email for which event: a pure state machine over event time.
 *
 * - Per vehicle and event type ("series"), the first event opens a cooldown window and is emailed.
 * - Events inside the window are folded: counted, not emailed.
 * - The next email of the series carries the count ("and 9 more … since …"): either the email of
 *   the first event after the window, or a summary email when the window ends (see {@link due}).
 * - OVERSPEED_END never re-alerts: it amends the episode's email while that email is still
 *   waiting to be sent, otherwise it is suppressed.
 *
 * Time comes from the events (and from the caller for window ends); nothing here reads a clock.
 */

export interface Fold {
  count: number;
  firstTs: number;
  lastTs: number;
}

export interface Episode {
  durationMs: number | null;
  peakSpeedKph: number | null;
}

/** The owner's choices as the policy needs them; null when no owner is on record for the vehicle. */
export interface NotifySettings {
  notify: readonly EventType[];
  cooldownMs: number;
}

export type SuppressReason = 'preferences' | 'no-owner' | 'episode-notified' | 'cooldown';

export type Decision =
  /** Email this event; it opens a window ending at windowEnd and carries the previous window's folds. */
  | { kind: 'email'; seriesType: EventType; windowEnd: number; cooldownMs: number; carries: Fold | null }
  /** Count this event in the open window whose email (or summary) has key `window`. */
  | { kind: 'fold'; seriesType: EventType; window: string }
  /** Add the episode's end to the pending email `into`. */
  | { kind: 'merge'; into: string; episode: Episode }
  | { kind: 'suppress'; reason: Exclude<SuppressReason, 'cooldown'> };

/** A window ended with folded events and no email to carry them: send a summary. */
export interface SummaryDue {
  key: string;
  vehicleId: string;
  type: EventType;
  partition: number;
  /** The window end, in event time: the summary's own time. */
  ts: number;
  fold: Fold;
  /** The summary opens the next window (at most one email per cooldown per series). */
  windowEnd: number;
  cooldownMs: number;
}

/** What the durable record says about one decision; enough to rebuild the state after a restart. */
export interface PolicyRecord {
  key: string;
  vehicleId: string;
  partition: number;
  ts: number;
  seriesType: EventType | null;
  role: 'email' | 'fold' | 'none';
  windowEnd?: number | undefined;
  cooldownMs?: number | undefined;
  window?: string | undefined;
  /** A summary email (it opens a window but is no episode an OVERSPEED_END could amend). */
  summary?: boolean | undefined;
}

interface Series {
  vehicleId: string;
  type: EventType;
  partition: number;
  anchorKey: string;
  anchorTs: number;
  /** The window was opened by an event's own email (not by a summary). */
  anchorIsEvent: boolean;
  windowEnd: number;
  cooldownMs: number;
  folded: Fold | null;
}

const seriesId = (vehicleId: string, type: EventType) => `${vehicleId}\u0000${type}`;

function addToFold(fold: Fold | null, ts: number): Fold {
  if (fold === null) return { count: 1, firstTs: ts, lastTs: ts };
  return { count: fold.count + 1, firstTs: Math.min(fold.firstTs, ts), lastTs: Math.max(fold.lastTs, ts) };
}

/** Deterministic key of the summary that closes a window, so a replay finds it already recorded. */
export function summaryKey(vehicleId: string, type: EventType, windowEnd: number): string {
  return `summary:${vehicleId}:${type}:${windowEnd}`;
}

export class NotificationPolicy {
  private readonly series = new Map<string, Series>();

  /**
   * Decides what one event causes. `canAmend(key)` tells whether the email with that key is still
   * waiting to be sent (an OVERSPEED_END can then be merged into it).
   */
  decide(
    event: Pick<VehicleEvent, 'eventId' | 'vehicleId' | 'type' | 'ts' | 'durationMs' | 'peakSpeedKph'>,
    settings: NotifySettings | null,
    partition: number,
    canAmend: (key: string) => boolean,
  ): Decision {
    if (settings === null) return { kind: 'suppress', reason: 'no-owner' };
    if (event.type === 'OVERSPEED_END' && settings.notify.includes('OVERSPEED')) {
      const episode = this.series.get(seriesId(event.vehicleId, 'OVERSPEED'));
      // Merge only into the email of this very episode: no later episode was folded since.
      const sameEpisode = episode?.anchorIsEvent === true && episode.folded === null && event.ts >= episode.anchorTs;
      if (episode && sameEpisode && canAmend(episode.anchorKey)) {
        return {
          kind: 'merge',
          into: episode.anchorKey,
          episode: { durationMs: event.durationMs, peakSpeedKph: event.peakSpeedKph },
        };
      }
      return { kind: 'suppress', reason: 'episode-notified' };
    }
    if (!settings.notify.includes(event.type)) return { kind: 'suppress', reason: 'preferences' };

    const id = seriesId(event.vehicleId, event.type);
    const current = this.series.get(id);
    if (current && event.ts < current.windowEnd && event.ts >= current.anchorTs - current.cooldownMs) {
      current.folded = addToFold(current.folded, event.ts);
      return { kind: 'fold', seriesType: event.type, window: current.anchorKey };
    }
    const windowEnd = event.ts + settings.cooldownMs;
    const decision: Decision = {
      kind: 'email',
      seriesType: event.type,
      windowEnd,
      cooldownMs: settings.cooldownMs,
      carries: null,
    };
    // A late event from before the current window is its own incident: emailed, but it neither
    // moves the window back nor takes the folds the window's summary will report.
    if (current && event.ts < current.anchorTs) return decision;
    decision.carries = current?.folded ?? null;
    this.series.set(id, {
      vehicleId: event.vehicleId,
      type: event.type,
      partition,
      anchorKey: event.eventId,
      anchorTs: event.ts,
      anchorIsEvent: true,
      windowEnd,
      cooldownMs: settings.cooldownMs,
      folded: null,
    });
    return decision;
  }

  /** Windows that ended by `now` (event time) with folded events, for partitions this instance owns. */
  due(now: number, owns: (partition: number) => boolean = () => true): SummaryDue[] {
    const summaries: SummaryDue[] = [];
    for (const current of this.series.values()) {
      if (current.folded === null || now < current.windowEnd || !owns(current.partition)) continue;
      const key = summaryKey(current.vehicleId, current.type, current.windowEnd);
      const windowEnd = current.windowEnd + current.cooldownMs;
      summaries.push({
        key,
        vehicleId: current.vehicleId,
        type: current.type,
        partition: current.partition,
        ts: current.windowEnd,
        fold: current.folded,
        windowEnd,
        cooldownMs: current.cooldownMs,
      });
      current.anchorKey = key;
      current.anchorTs = current.windowEnd;
      current.anchorIsEvent = false;
      current.windowEnd = windowEnd;
      current.folded = null;
    }
    return summaries;
  }

  /**
   * Rebuilds the state from the durable decisions (after a start, or after a failed write made the
   * in-memory state run ahead of the record): per series, the latest email opens the window and
   * the folds recorded against it are pending.
   */
  restore(records: Iterable<PolicyRecord>): void {
    this.series.clear();
    const folds: PolicyRecord[] = [];
    for (const record of records) {
      if (record.seriesType === null) continue;
      if (record.role === 'fold') {
        folds.push(record);
        continue;
      }
      if (record.role !== 'email' || record.windowEnd === undefined) continue;
      const id = seriesId(record.vehicleId, record.seriesType);
      const current = this.series.get(id);
      if (current && (current.anchorTs > record.ts || (current.anchorTs === record.ts && current.anchorKey > record.key))) {
        continue;
      }
      this.series.set(id, {
        vehicleId: record.vehicleId,
        type: record.seriesType,
        partition: record.partition,
        anchorKey: record.key,
        anchorTs: record.ts,
        anchorIsEvent: record.summary !== true,
        windowEnd: record.windowEnd,
        cooldownMs: record.cooldownMs ?? record.windowEnd - record.ts,
        folded: null,
      });
    }
    for (const fold of folds) {
      if (fold.seriesType === null) continue;
      const current = this.series.get(seriesId(fold.vehicleId, fold.seriesType));
      if (current && current.anchorKey === fold.window) current.folded = addToFold(current.folded, fold.ts);
    }
  }

  /** Number of series tracked (for metrics). */
  size(): number {
    return this.series.size;
  }
}
