import { EVENT_TYPES } from '@fleet/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { forbidden, toIssueBody, validationError } from '../../api-error';
import { queryAlerts } from '../../domain/alert-query';
import { canReadAlert, canReadVehicle } from '../../domain/authorization';
import type { NotificationRecord } from '../../notifications/notification-record';
import type { RegistryTables } from '../../registry/registry-tables';
import { principalOf } from './auth';

const instant = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
], { error: 'must be epoch milliseconds or an ISO-8601 time with zone, e.g. 2025-03-04T13:00:00Z' });

export const alertQuerySchema = z.strictObject({
  vehicleId: z.string().min(1).optional(),
  type: z.enum(EVENT_TYPES).optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});

/** The public shape of one alert: the event and what happened to its notification. */
export function alertView(record: NotificationRecord) {
  return {
    eventId: record.key,
    vehicleId: record.vehicleId,
    ownerId: record.ownerId,
    type: record.type,
    ts: record.ts,
    time: new Date(record.ts).toISOString(),
    ...record.facts,
    notification: {
      channel: 'email',
      status: record.status,
      reason: record.reason,
      recipient: record.recipient,
      attempts: record.attempts,
      mergedInto: record.mergedInto,
      updatedAt: new Date(record.updatedAt).toISOString(),
    },
  };
}

/** GET /alerts: the alert history from the durable notification record, newest first, paginated. */
export function alertsRoutes(records: { values(): Iterable<NotificationRecord> }, tables: RegistryTables): Router {
  const router = Router();
  router.get('/alerts', (req, res) => {
    const principal = principalOf(res);
    const parsed = alertQuerySchema.safeParse(req.query);
    if (!parsed.success) throw validationError(parsed.error.issues.map(toIssueBody));
    const query = parsed.data;
    if (query.vehicleId !== undefined) {
      const vehicle = tables.vehicles.get(query.vehicleId);
      if (vehicle && canReadVehicle(principal, vehicle) !== 'allow') throw forbidden();
    }
    const events = [...records.values()].filter((record) => record.kind === 'event');
    let page: ReturnType<typeof queryAlerts<NotificationRecord>>;
    try {
      page = queryAlerts(
        events,
        {
          vehicleIds: query.vehicleId === undefined ? undefined : new Set([query.vehicleId]),
          type: query.type,
          from: query.from,
          to: query.to,
          limit: query.limit,
          cursor: query.cursor,
        },
        (record) => canReadAlert(principal, record) === 'allow',
      );
    } catch (error) {
      if (error instanceof RangeError) throw validationError([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
      throw error;
    }
    res.json({ items: page.items.map(alertView), nextCursor: page.nextCursor });
  });
  return router;
}
