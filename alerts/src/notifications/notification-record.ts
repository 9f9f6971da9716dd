import { EVENT_TYPES, type VehicleEvent } from '@fleet/contracts';
import { z } from 'zod';
import type { PolicyRecord } from '../domain/notification-policy';

/**
 * The durable record of every notification decision: one JSON value per key in a compacted topic
 * (default `fleet.alerts.notifications`). Key = the event id, or `summary:<vehicle>:<type>:<windowEnd>`
 * for a summary email. It is checked before anything is sent, so replays and restarts send nothing
 * twice, and it rebuilds the cooldown state on start.
 */

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'suppressed', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

const foldSchema = z.object({ count: z.number().int(), firstTs: z.number(), lastTs: z.number() });
const episodeSchema = z.object({ durationMs: z.number().nullable(), peakSpeedKph: z.number().nullable() });

export const factsSchema = z.object({
  lat: z.number(),
  lon: z.number(),
  speedKph: z.number(),
  limitKph: z.number().nullable(),
  peakSpeedKph: z.number().nullable(),
  durationMs: z.number().nullable(),
  accelMps2: z.number().nullable(),
  geofenceId: z.string().nullable(),
  geofenceName: z.string().nullable(),
});
export type EventFactsRecord = z.infer<typeof factsSchema>;

/** The facts of an event that a notification keeps (what its email says). */
export function eventFacts(event: VehicleEvent): EventFactsRecord {
  const { lat, lon, speedKph, limitKph, peakSpeedKph, durationMs, accelMps2, geofenceId, geofenceName } = event;
  return { lat, lon, speedKph, limitKph, peakSpeedKph, durationMs, accelMps2, geofenceId, geofenceName };
}

export const notificationRecordSchema = z.object({
  key: z.string(),
  kind: z.enum(['event', 'summary']),
  vehicleId: z.string(),
  /** Owner at decision time (alert history is scoped by it); null when the vehicle had none. */
  ownerId: z.string().nullable(),
  type: z.enum(EVENT_TYPES),
  /** Event time (a summary: the end of the cooldown window it closes). */
  ts: z.number(),
  /** Partition of the event stream the decision came from (which instance sends it). */
  partition: z.number().int(),
  status: z.enum(NOTIFICATION_STATUSES),
  /** Why suppressed or failed: cooldown, preferences, no-owner, episode-notified, merged, smtp-rejected, retries-exhausted, … */
  reason: z.string().nullable(),
  policy: z.object({
    seriesType: z.enum(EVENT_TYPES).nullable(),
    role: z.enum(['email', 'fold', 'none']),
    windowEnd: z.number().optional(),
    cooldownMs: z.number().optional(),
    window: z.string().optional(),
  }),
  facts: factsSchema.nullable(),
  carries: foldSchema.nullable(),
  episode: episodeSchema.nullable(),
  /** For a merged OVERSPEED_END: the key of the email it was merged into. */
  mergedInto: z.string().nullable(),
  recipient: z.string().nullable(),
  attempts: z.number().int(),
  messageId: z.string().nullable(),
  error: z.string().nullable(),
  decidedAt: z.number(),
  updatedAt: z.number(),
});
export type NotificationRecord = z.infer<typeof notificationRecordSchema>;

export function toPolicyRecord(record: NotificationRecord): PolicyRecord {
  return {
    key: record.key,
    vehicleId: record.vehicleId,
    partition: record.partition,
    ts: record.ts,
    seriesType: record.policy.seriesType,
    role: record.policy.role,
    windowEnd: record.policy.windowEnd,
    cooldownMs: record.policy.cooldownMs,
    window: record.policy.window,
    summary: record.kind === 'summary',
  };
}

type Identity = Pick<NotificationRecord, 'key' | 'kind' | 'vehicleId' | 'ownerId' | 'type' | 'ts' | 'partition' | 'status' | 'policy' | 'facts'>;

/** A new record: what the decision says, with no outcome, delivery or amendment yet. */
export function newRecord(identity: Identity, now: number, extra: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    ...identity,
    reason: null,
    carries: null,
    episode: null,
    mergedInto: null,
    recipient: null,
    attempts: 0,
    messageId: null,
    error: null,
    decidedAt: now,
    updatedAt: now,
    ...extra,
  };
}
