import type { EventType } from '@fleet/contracts';
import { type EventFactsRecord, type NotificationRecord, newRecord } from '../../src/notifications/notification-record';

export interface PendingEmailFields {
  key: string;
  vehicleId: string;
  ownerId: string;
  type: EventType;
  ts: number;
  /** The cooldown window the email opened (default 10 min). */
  cooldownMs?: number;
  partition?: number;
  facts?: EventFactsRecord | null;
}

/**
 * A notification decided as an email and not sent yet: what the notifier records before the outbox
 * sends it (the state a crash between "decision recorded" and "email sent" leaves behind).
 */
export function pendingEmail(fields: PendingEmailFields, decidedAt = 0): NotificationRecord {
  const { cooldownMs = 600_000, partition = 0, facts = null, ...identity } = fields;
  const policy = { seriesType: fields.type, role: 'email', windowEnd: fields.ts + cooldownMs, cooldownMs } as const;
  return newRecord({ ...identity, kind: 'event', partition, status: 'pending', policy, facts }, decidedAt);
}
