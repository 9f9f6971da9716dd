import { z } from 'zod';
import { EVENT_TYPES } from './events';
import { vehicleIdSchema } from './telemetry';

/**
 * Fleet registry records (owners, vehicles, geofences). The alerts service's API writes them to
 * compacted topics (key = id, JSON value, tombstone = delete); the processors read them as tables.
 */

const idSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 chars of [A-Za-z0-9._-]');
const speedLimitSchema = z.number().gt(0).max(400);

/** [lon, lat] as in GeoJSON. */
export const positionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type Position = z.infer<typeof positionSchema>;

const linearRingSchema = z
  .array(positionSchema)
  .min(4, 'a linear ring needs at least 4 positions')
  .refine((ring) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  }, 'a linear ring must be closed (first position equal to the last)');

const polygonCoordinatesSchema = z.array(linearRingSchema).min(1, 'a polygon needs an outer ring');

export const geofenceShapeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygonCoordinatesSchema }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoordinatesSchema).min(1) }),
  z.object({
    type: z.literal('Circle'),
    center: positionSchema,
    radiusM: z.number().gt(0).max(1_000_000),
  }),
]);
export type GeofenceShape = z.infer<typeof geofenceShapeSchema>;

export const geofenceSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(200),
  shape: geofenceShapeSchema,
  /** Speed limit inside the zone; the lowest of all containing zones applies. */
  speedLimitKph: speedLimitSchema.optional(),
  /** Vehicles it applies to, or 'all'. */
  vehicleIds: z.union([z.literal('all'), z.array(vehicleIdSchema)]).default('all'),
  /** Whether exits/entries raise events (a pure speed zone may not). */
  alertOnExit: z.boolean().default(true),
  alertOnEnter: z.boolean().default(true),
});
export type Geofence = z.infer<typeof geofenceSchema>;

/** Per-vehicle detector thresholds; unset values fall back to the global configuration. */
export const thresholdsSchema = z.object({
  overspeedMinDurationMs: z.number().int().min(0).max(600_000).optional(),
  harshBrakingMps2: z.number().gt(0).max(30).optional(),
  harshAccelerationMps2: z.number().gt(0).max(30).optional(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const vehicleSchema = z.object({
  id: vehicleIdSchema,
  ownerId: idSchema,
  name: z.string().min(1).max(200),
  plate: z.string().max(32).optional(),
  speedLimitKph: speedLimitSchema.optional(),
  thresholds: thresholdsSchema.optional(),
});
export type Vehicle = z.infer<typeof vehicleSchema>;

export const ownerSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(200),
  email: z.email(),
  /** IANA zone for local times in emails. */
  timezone: z.string().min(1).default('UTC'),
  preferences: z
    .object({
      /** Event types that send an email. */
      notify: z.array(z.enum(EVENT_TYPES)).default(['OVERSPEED', 'HARSH_BRAKING', 'HARSH_ACCELERATION', 'GEOFENCE_EXIT']),
      cooldownMs: z.number().int().min(0).max(86_400_000).optional(),
    })
    .default({ notify: ['OVERSPEED', 'HARSH_BRAKING', 'HARSH_ACCELERATION', 'GEOFENCE_EXIT'] }),
});
export type Owner = z.infer<typeof ownerSchema>;
