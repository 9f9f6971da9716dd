import { OPTIONAL_NUMERIC_FIELDS, type TelemetryReading } from '@fleet/contracts';
import { compileFieldSet, type FieldSpec } from './field-set';
import { encodeRaw, LineBuffer } from './line-buffer';
import { type LineResult, reject } from './line-protocol';

export const TELEMETRY_MEASUREMENT = 'telemetry';

type NumericKey = 'lat' | 'lon' | 'speedKph' | 'seq' | (typeof OPTIONAL_NUMERIC_FIELDS)[number];

type TelemetryField = FieldSpec<NumericKey | 'ignition' | 'dtc', 'float' | 'bool' | 'strings'>;

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`);
}

/**
 * Every field a reading may carry, sorted by field key (the order the client's Point uses, so the
 * two serialisations are byte-identical). Numbers are floats, `ignition` a boolean, `dtc` the
 * comma-joined trouble codes (only when there are any).
 */
export const TELEMETRY_FIELDS: readonly TelemetryField[] = [
  ...(['lat', 'lon', 'speedKph', 'seq', ...OPTIONAL_NUMERIC_FIELDS] as const).map(
    (key): TelemetryField => ({ field: snakeCase(key), key, kind: 'float' }),
  ),
  { field: 'ignition', key: 'ignition', kind: 'bool' } as const,
  { field: 'dtc', key: 'dtc', kind: 'strings' } as const,
].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));

const telemetryFields = compileFieldSet(TELEMETRY_FIELDS);
const LINE_PREFIX = encodeRaw(`${TELEMETRY_MEASUREMENT},vehicle_id=`);
/** Lines are built one at a time, synchronously, so one buffer serves them all. */
const line = new LineBuffer();

/**
 * A reading as one line of the `telemetry` measurement: tag `vehicle_id`, time = device time in
 * ms (so a replay rewrites the same point). Non-finite numbers are rejected here, before InfluxDB
 * could reject the whole batch for them.
 */
export function telemetryLine(reading: TelemetryReading): LineResult {
  if (typeof reading.vehicleId !== 'string' || reading.vehicleId === '') {
    return reject('INVALID', 'vehicleId is empty');
  }
  if (!Number.isSafeInteger(reading.ts)) return reject('INVALID', `ts is not an integer epoch-ms value: ${reading.ts}`);
  line.bytes(LINE_PREFIX).tag(reading.vehicleId).raw(' ');
  const rejected = telemetryFields(reading, line);
  if (rejected) {
    line.reset();
    return rejected;
  }
  return { ok: true, line: line.raw(' ').float(reading.ts).take() };
}
