import { z } from 'zod';

/** Largest MQTT payload accepted (DESIGN.md "MQTT input"). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const VEHICLE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const vehicleIdSchema = z.string().regex(VEHICLE_ID_PATTERN, 'must be 1-64 chars of [A-Za-z0-9._-]');

const inRange = (min: number, max: number) => z.number().min(min).max(max);
const optionalInRange = (min: number, max: number) => inRange(min, max).optional();

const epochMs = z.number().int().nonnegative();
const isoWithZone = z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso));

/** The JSON a device publishes on vehicles/{vehicleId}/telemetry. Unknown fields are stripped. */
export const telemetryInputSchema = z.object({
  vehicleId: vehicleIdSchema,
  ts: z.union([epochMs, isoWithZone]),
  seq: z.number().int().nonnegative().optional(),
  lat: inRange(-90, 90),
  lon: inRange(-180, 180),
  speedKph: inRange(0, 400),
  headingDeg: z.number().min(0).lt(360).optional(),
  gpsAccuracyM: z.number().nonnegative().optional(),
  accelLongMps2: optionalInRange(-30, 30),
  rpm: optionalInRange(0, 20000),
  engineLoadPct: optionalInRange(0, 100),
  throttlePct: optionalInRange(0, 100),
  fuelLevelPct: optionalInRange(0, 100),
  coolantTempC: optionalInRange(-60, 250),
  batteryV: optionalInRange(0, 40),
  odometerKm: z.number().nonnegative().optional(),
  ignition: z.boolean().optional(),
  dtc: z
    .array(z.string().regex(/^[PCBU][0-9A-F]{4}$/, 'must look like P0300'))
    .max(32)
    .optional(),
});

export type TelemetryInput = z.input<typeof telemetryInputSchema>;
export type ParsedTelemetry = z.output<typeof telemetryInputSchema>;

/** A normalised, accepted reading: the value of vehicle.telemetry (Avro TelemetryReading). */
export interface TelemetryReading {
  vehicleId: string;
  /** device time, epoch ms */
  ts: number;
  /** bridge receive time, epoch ms */
  receivedAt: number;
  seq: number | null;
  lat: number;
  lon: number;
  speedKph: number;
  headingDeg: number | null;
  gpsAccuracyM: number | null;
  accelLongMps2: number | null;
  rpm: number | null;
  engineLoadPct: number | null;
  throttlePct: number | null;
  fuelLevelPct: number | null;
  coolantTempC: number | null;
  batteryV: number | null;
  odometerKm: number | null;
  ignition: boolean | null;
  dtc: string[];
}

/** The optional numeric readings, in the order the sinks write them. */
export const OPTIONAL_NUMERIC_FIELDS = [
  'headingDeg',
  'gpsAccuracyM',
  'accelLongMps2',
  'rpm',
  'engineLoadPct',
  'throttlePct',
  'fuelLevelPct',
  'coolantTempC',
  'batteryV',
  'odometerKm',
] as const satisfies readonly (keyof TelemetryReading)[];

export function toTelemetryReading(input: ParsedTelemetry, receivedAt: number): TelemetryReading {
  return {
    vehicleId: input.vehicleId,
    ts: input.ts,
    receivedAt,
    seq: input.seq ?? null,
    lat: input.lat,
    lon: input.lon,
    speedKph: input.speedKph,
    headingDeg: input.headingDeg ?? null,
    gpsAccuracyM: input.gpsAccuracyM ?? null,
    accelLongMps2: input.accelLongMps2 ?? null,
    rpm: input.rpm ?? null,
    engineLoadPct: input.engineLoadPct ?? null,
    throttlePct: input.throttlePct ?? null,
    fuelLevelPct: input.fuelLevelPct ?? null,
    coolantTempC: input.coolantTempC ?? null,
    batteryV: input.batteryV ?? null,
    odometerKm: input.odometerKm ?? null,
    ignition: input.ignition ?? null,
    dtc: input.dtc ?? [],
  };
}
