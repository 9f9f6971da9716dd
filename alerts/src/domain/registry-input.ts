import { EVENT_TYPES, geofenceSchema, ownerSchema, thresholdsSchema, vehicleSchema } from '@fleet/contracts';
import { z } from 'zod';

/**
 * Request bodies of the registry API. The stored records are exactly the contract schemas
 * (`ownerSchema`, `vehicleSchema`, `geofenceSchema`: the processors read them); these input schemas
 * add what an API wants on top: unknown fields rejected (a typo must not be dropped silently),
 * ids optional where the service can generate them, time zones checked against the runtime's zone database.
 */

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timezoneSchema = z
  .string()
  .min(1)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC');

const preferencesInputSchema = z.strictObject({
  notify: z.array(z.enum(EVENT_TYPES)).optional(),
  cooldownMs: z.number().int().min(0).max(86_400_000).optional(),
});

export const ownerInputSchema = ownerSchema.extend({
  id: ownerSchema.shape.id.optional(),
  timezone: timezoneSchema.optional(),
  preferences: preferencesInputSchema.optional(),
}).strict();

export const vehicleInputSchema = vehicleSchema.extend({ thresholds: thresholdsSchema.strict().optional() }).strict();

export const geofenceInputSchema = geofenceSchema.extend({ id: geofenceSchema.shape.id.optional() }).strict();

/** The collections of the registry, as named in paths and messages. */
export type Collection = 'owners' | 'vehicles' | 'geofences';

export const INPUT_SCHEMAS = {
  owners: ownerInputSchema,
  vehicles: vehicleInputSchema,
  geofences: geofenceInputSchema,
} as const;

export const RECORD_SCHEMAS = {
  owners: ownerSchema,
  vehicles: vehicleSchema,
  geofences: geofenceSchema,
} as const;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON merge patch (RFC 7396) of a stored record: objects merge, `null` removes a field, any other
 * value replaces. The result is validated as a whole afterwards.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
