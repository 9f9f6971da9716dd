import { createHash } from 'node:crypto';
import type { OutgoingEmail } from '../adapters/smtp-mailer';
import { type EmailSubjectMatter, renderEmail } from '../domain/email-render';
import type { RegistryTables } from '../registry/registry-tables';
import type { Composed } from './outbox';
import type { NotificationRecord } from './notification-record';

/** The domain part of a From address ("Fleet <alerts@example.org>" → "example.org"). */
export function fromDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'fleet-alerts.invalid';
}

/**
 * Message-ID derived from the notification key: a resend of the same notification (after a crash
 * between SMTP acceptance and the record) carries the same id, which mail systems use to dedupe.
 */
export function messageIdFor(key: string, domain: string): string {
  const local = /^[A-Za-z0-9-]+$/.test(key) ? key : `n.${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
  return `<${local}@${domain}>`;
}

/** Builds the email for a pending record from the registry as it is now (fresh address and names). */
export function composeEmail(tables: RegistryTables, from: string, record: NotificationRecord): Composed {
  const owner = record.ownerId === null ? undefined : tables.owners.get(record.ownerId);
  if (!owner) {
    return { ok: false, reason: 'no-owner', error: `owner "${record.ownerId ?? '(none)'}" no longer exists` };
  }
  const vehicle = tables.vehicles.get(record.vehicleId) ?? { id: record.vehicleId, name: record.vehicleId };
  const about: EmailSubjectMatter['about'] =
    record.kind === 'summary' || record.facts === null
      ? { kind: 'summary', type: record.type }
      : { kind: 'event', event: { ...record.facts, type: record.type, ts: record.ts }, episode: record.episode };
  const rendered = renderEmail({
    owner: { name: owner.name, timezone: owner.timezone },
    vehicle: { id: vehicle.id, name: vehicle.name, plate: 'plate' in vehicle ? vehicle.plate : undefined },
    about,
    carries: record.carries,
  });
  const email: OutgoingEmail = {
    from,
    to: owner.email,
    ...rendered,
    messageId: messageIdFor(record.key, fromDomain(from)),
    headers: {
      'X-Fleet-Notification': record.key,
      'X-Fleet-Vehicle-Id': record.vehicleId,
      'X-Fleet-Event-Type': record.type,
    },
  };
  return { ok: true, email };
}
