import { OPTIONAL_NUMERIC_FIELDS, type TelemetryReading } from '@fleet/contracts';
import {
  boolValue,
  escapeTag,
  floatValue,
  type LineResult,
  reject,
  stringValue,
} from './line-protocol';

export const TELEMETRY_MEASUREMENT = 'telemetry';

type NumericKey = 'lat' | 'lon' | 'speedKph' | 'seq' | (typeof OPTIONAL_NUMERIC_FIELDS)[number];

interface FieldSpec {
  /** InfluxDB field key (snake_case). */
  field: string;
  key: NumericKey | 'ignition' | 'dtc';
  kind: 'float' | 'bool' | 'strings';
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`);
}

/**
 * Every field a reading may carry, sorted by field key (the order the client's Point uses, so the
 * two serialisations are byte-identical). Numbers are floats, `ignition` a boolean, `dtc` the
 * comma-joined trouble codes (only when there are any).
 */
export const TELEMETRY_FIELDS: readonly FieldSpec[] = [
  ...(['lat', 'lon', 'speedKph', 'seq', ...OPTIONAL_NUMERIC_FIELDS] as const).map(
    (key): FieldSpec => ({ field: snakeCase(key), key, kind: 'float' }),
  ),
  { field: 'ignition', key: 'ignition', kind: 'bool' } as const,
  { field: 'dtc', key: 'dtc', kind: 'strings' } as const,
].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));

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
  let fields = '';
  for (const spec of TELEMETRY_FIELDS) {
    const value = reading[spec.key];
    if (value === null || value === undefined) continue;
    let text: string;
    if (spec.kind === 'float') {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return reject('NON_FINITE', `${spec.key} is not a finite number: ${String(value)}`);
      }
      text = floatValue(value);
    } else if (spec.kind === 'bool') {
      text = boolValue(value === true);
    } else {
      if (!Array.isArray(value) || value.length === 0) continue;
      text = stringValue(value.join(','));
    }
    fields += fields === '' ? `${spec.field}=${text}` : `,${spec.field}=${text}`;
  }
  return { ok: true, line: `${TELEMETRY_MEASUREMENT},vehicle_id=${escapeTag(reading.vehicleId)} ${fields} ${reading.ts}` };
}
