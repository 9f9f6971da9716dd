import type { VehicleEvent } from '@fleet/contracts';
import { type Logger, type RetryOptions, retryTransient } from '@fleet/runtime';
import type { Counter } from 'prom-client';
import type { NotificationPoint } from '../adapters/influx-notifications';
import type { Table } from '../adapters/table';
import type { TableWriter } from '../adapters/table-writer';
import type { Decision, NotificationPolicy, NotifySettings, SummaryDue } from '../domain/notification-policy';
import type { RegistryTables } from '../registry/registry-tables';
import { serialQueue } from '../serial-queue';
import { eventFacts, newRecord, type NotificationRecord, toPolicyRecord } from './notification-record';
import type { Outbox } from './outbox';

export interface NotifierOptions {
  tables: RegistryTables;
  records: Table<NotificationRecord>;
  writer: TableWriter;
  policy: NotificationPolicy;
  outbox: Outbox;
  writePoints: (points: NotificationPoint[]) => void;
  defaultCooldownMs: number;
  /** Wall-clock delay before an OVERSPEED email goes out, so its OVERSPEED_END can still be merged in. */
  overspeedHoldMs: number;
  log: Logger;
  decisions?: Counter<'outcome'>;
  now?: () => number;
}

export interface SourcedEvent {
  event: VehicleEvent;
  partition: number;
}

type Retry = Pick<RetryOptions, 'shouldContinue' | 'whileWaiting'>;

export function toPoint(record: NotificationRecord): NotificationPoint | null {
  if (record.status === 'pending') return null;
  return {
    key: record.key,
    vehicleId: record.vehicleId,
    type: record.type,
    status: record.status,
    ts: record.ts,
    recipient: record.recipient,
    attempts: record.attempts,
  };
}

/**
 * Turns events into durable notification decisions: dedupe by event id against the record, apply
 * the policy, write the decisions (acks=all, read back), then hand pending emails to the outbox.
 * Event batches and window ticks run one at a time.
 */
export class Notifier {
  private readonly serial = serialQueue();
  private watermark = 0;
  /** Partitions of the event topic this instance is assigned; null until the first assignment. */
  private owned: Set<number> | null = null;
  /** The in-memory policy ran ahead of the record (a write failed): rebuild before the next decision. */
  private dirty = true;
  private readonly now: () => number;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
  }

  owns = (partition: number): boolean => this.owned === null || this.owned.has(partition);

  /** Called on every group (re)join with the assigned partitions: adopt their pending emails. */
  assign(partitions: number[]): Promise<void> {
    return this.serial(async () => {
      this.owned = new Set(partitions);
      this.options.outbox.retain((record) => this.owns(record.partition));
      this.adoptPending();
    });
  }

  private adoptPending(): void {
    for (const record of this.options.records.values()) {
      if (record.status === 'pending' && this.owns(record.partition)) this.options.outbox.add(record);
    }
  }

  private async syncRecords(retry: Retry): Promise<void> {
    await retryTransient(() => this.options.records.sync(), retry);
    if (this.dirty) {
      this.options.policy.restore([...this.options.records.values()].map(toPolicyRecord));
      this.dirty = false;
    }
  }

  private settingsFor(vehicleId: string): { ownerId: string; settings: NotifySettings } | null {
    const vehicle = this.options.tables.vehicles.get(vehicleId);
    const owner = vehicle ? this.options.tables.owners.get(vehicle.ownerId) : undefined;
    if (!vehicle || !owner) return null;
    return {
      ownerId: owner.id,
      settings: { notify: owner.preferences.notify, cooldownMs: owner.preferences.cooldownMs ?? this.options.defaultCooldownMs },
    };
  }

  private baseRecord(event: VehicleEvent, partition: number, ownerId: string | null): NotificationRecord {
    const { eventId, vehicleId, type, ts } = event;
    const policy = { seriesType: null, role: 'none' } as const;
    return newRecord({ key: eventId, kind: 'event', vehicleId, ownerId, type, ts, partition, status: 'suppressed', policy, facts: eventFacts(event) }, this.now());
  }

  private applyDecision(record: NotificationRecord, decision: Decision): NotificationRecord {
    switch (decision.kind) {
      case 'email':
        return {
          ...record,
          status: 'pending',
          carries: decision.carries,
          policy: { seriesType: decision.seriesType, role: 'email', windowEnd: decision.windowEnd, cooldownMs: decision.cooldownMs },
        };
      case 'fold':
        return { ...record, reason: 'cooldown', policy: { seriesType: decision.seriesType, role: 'fold', window: decision.window } };
      case 'merge':
        return { ...record, reason: 'merged', mergedInto: decision.into };
      case 'suppress':
        return { ...record, reason: decision.reason };
    }
  }

  /** Decides and records a batch of events (in stream order). Pending emails go to the outbox once durable. */
  handleEvents(events: SourcedEvent[], retry: Retry = {}): Promise<void> {
    return this.serial(async () => {
      await this.syncRecords(retry);
      const { outbox, policy } = this.options;
      const batch = new Map<string, NotificationRecord>();
      const held: string[] = [];
      for (const { event, partition } of events) {
        if (this.options.records.has(event.eventId) || batch.has(event.eventId)) {
          this.options.decisions?.inc({ outcome: 'duplicate' });
          continue;
        }
        this.watermark = Math.max(this.watermark, event.ts);
        const owner = this.settingsFor(event.vehicleId);
        const canAmend = (key: string) => batch.get(key)?.status === 'pending' || outbox.canAmend(key);
        const decision = policy.decide(event, owner?.settings ?? null, partition, canAmend);
        batch.set(event.eventId, this.applyDecision(this.baseRecord(event, partition, owner?.ownerId ?? null), decision));
        this.options.decisions?.inc({ outcome: decision.kind });
        if (decision.kind !== 'merge') continue;
        const target = batch.get(decision.into);
        if (target) {
          batch.set(decision.into, { ...target, episode: decision.episode });
          continue;
        }
        const amended = outbox.amend(decision.into, decision.episode, this.now());
        if (amended) {
          held.push(decision.into);
          batch.set(decision.into, amended);
        }
      }
      try {
        await this.record([...batch.values()], retry);
      } finally {
        for (const key of held) outbox.release(key);
      }
    });
  }

  /** Closes cooldown windows that ended (event time, or wall clock for a quiet fleet) with a summary email. */
  tick(retry: Retry = {}): Promise<void> {
    return this.serial(async () => {
      await this.syncRecords(retry);
      const now = Math.max(this.now(), this.watermark);
      const summaries = this.options.policy.due(now, this.owns).map((due) => this.summaryRecord(due));
      await this.record(summaries, retry);
    });
  }

  private summaryRecord(due: SummaryDue): NotificationRecord {
    return newRecord(
      {
        key: due.key,
        kind: 'summary',
        vehicleId: due.vehicleId,
        ownerId: this.settingsFor(due.vehicleId)?.ownerId ?? null,
        type: due.type,
        ts: due.ts,
        partition: due.partition,
        status: 'pending',
        policy: { seriesType: due.type, role: 'email', windowEnd: due.windowEnd, cooldownMs: due.cooldownMs },
        facts: null,
      },
      this.now(),
      { carries: due.fold },
    );
  }

  private async record(records: NotificationRecord[], retry: Retry): Promise<void> {
    if (records.length === 0) return;
    try {
      await retryTransient(
        () => this.options.writer.write(this.options.records, records.map((record) => ({ key: record.key, value: record }))),
        retry,
      );
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    const points: NotificationPoint[] = [];
    for (const record of records) {
      if (record.status === 'pending') {
        const hold = record.type === 'OVERSPEED' && record.kind === 'event' ? this.options.overspeedHoldMs : 0;
        this.options.outbox.add(record, this.now() + hold);
      } else {
        const point = toPoint(record);
        if (point) points.push(point);
      }
    }
    if (points.length > 0) this.options.writePoints(points);
  }

  /** For /readyz and metrics. */
  get pending(): number {
    return this.options.outbox.size;
  }
}
