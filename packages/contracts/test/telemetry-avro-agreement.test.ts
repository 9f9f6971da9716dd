import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { telemetryAvroSchema } from '../src/avro-schemas';
import { type TelemetryReading, telemetryInputSchema, toTelemetryReading } from '../src/telemetry';

const type = avro.Type.forSchema(telemetryAvroSchema as avro.Schema);
const avroFieldNames = (telemetryAvroSchema.fields as { name: string }[]).map((field) => field.name);
const receivedAt = Date.UTC(2026, 10, 23, 12, 0, 0);

const fullReading = {
  vehicleId: 'truck-7',
  ts: receivedAt - 1000,
  seq: 42,
  lat: 52.52,
  lon: 13.405,
  speedKph: 87.5,
  headingDeg: 359.9,
  gpsAccuracyM: 3.2,
  accelLongMps2: -2.1,
  rpm: 2100,
  engineLoadPct: 40,
  throttlePct: 22,
  fuelLevelPct: 63,
  coolantTempC: 90,
  batteryV: 14.1,
  odometerKm: 123456.7,
  ignition: true,
  dtc: ['P0300', 'U0100'],
};
const minimalReading = { vehicleId: 'car_1', ts: receivedAt, lat: 0, lon: 0, speedKph: 0 };

/** Names the Avro fields that avsc finds invalid in a value. */
function avroInvalidPaths(value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  return paths;
}

describe('telemetry contract: zod input schema and Avro schema agree', () => {
  it('every input field has an Avro field, and every Avro field but receivedAt is an input field', () => {
    const inputFields = Object.keys(telemetryInputSchema.shape).sort();
    expect(avroFieldNames.filter((name) => name !== 'receivedAt').sort()).toEqual(inputFields);
  });

  it.each([
    ['a reading with every field', fullReading],
    ['a minimal reading', minimalReading],
    ['an ISO-8601 time with offset', { ...minimalReading, ts: '2026-11-23T13:00:00.250+01:00' }],
  ])('%s is accepted by zod and round-trips through Avro unchanged', (_name, input) => {
    const reading = toTelemetryReading(telemetryInputSchema.parse(input), receivedAt);
    expect(avroInvalidPaths(reading)).toEqual([]);
    const decoded = type.fromBuffer(type.toBuffer(reading)) as TelemetryReading;
    expect({ ...decoded }).toEqual(reading);
  });

  it('normalises ISO time to epoch milliseconds', () => {
    const parsed = telemetryInputSchema.parse({ ...minimalReading, ts: '2026-11-23T13:00:00.250+01:00' });
    expect(parsed.ts).toBe(Date.UTC(2026, 10, 23, 12, 0, 0, 250));
  });

  it('ignores unknown extra fields (newer firmware)', () => {
    const parsed = telemetryInputSchema.parse({ ...minimalReading, tyrePressureKpa: 230 });
    expect(parsed).not.toHaveProperty('tyrePressureKpa');
  });

  const valid = toTelemetryReading(telemetryInputSchema.parse(fullReading), receivedAt);
  it.each([
    ['vehicleId', 42],
    ['ts', 'yesterday'],
    ['lat', '52.5'],
    ['speedKph', null],
    ['rpm', 'fast'],
    ['ignition', 'yes'],
    ['dtc', 'P0300'],
    ['seq', 1.5],
  ])('a wrong type for %s is rejected by zod and by Avro, naming the field', (field, bad) => {
    const zodResult = telemetryInputSchema.safeParse({ ...fullReading, [field]: bad });
    expect(zodResult.success).toBe(false);
    expect(zodResult.error?.issues.map((issue) => issue.path[0])).toContain(field);
    expect(avroInvalidPaths({ ...valid, [field]: bad })).toContain(field);
  });

  it.each([
    ['lat', 90.0001],
    ['lat', -91],
    ['lon', 180.5],
    ['speedKph', -1],
    ['speedKph', 400.1],
    ['headingDeg', 360],
    ['gpsAccuracyM', -0.1],
    ['accelLongMps2', 30.5],
    ['rpm', 20001],
    ['engineLoadPct', 101],
    ['throttlePct', -1],
    ['fuelLevelPct', 100.5],
    ['coolantTempC', -61],
    ['batteryV', 41],
    ['odometerKm', -5],
    ['seq', -1],
  ])('out-of-range %s = %s is rejected by zod naming the field', (field, bad) => {
    const result = telemetryInputSchema.safeParse({ ...fullReading, [field]: bad });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual([field]);
  });

  it.each([
    ['vehicleId', ''],
    ['vehicleId', 'has space'],
    ['vehicleId', 'x'.repeat(65)],
    ['dtc', ['not-a-code']],
    ['dtc', Array.from({ length: 33 }, () => 'P0300')],
    ['ts', '2026-11-23T12:00:00'],
  ])('malformed %s is rejected naming the field', (field, bad) => {
    const result = telemetryInputSchema.safeParse({ ...fullReading, [field]: bad });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field);
  });

  it.each(['vehicleId', 'ts', 'lat', 'lon', 'speedKph'])('a missing required %s is rejected', (field) => {
    const { [field as keyof typeof fullReading]: _omitted, ...rest } = fullReading;
    const result = telemetryInputSchema.safeParse(rest);
    expect(result.error?.issues.map((issue) => issue.path[0])).toEqual([field]);
  });
});
