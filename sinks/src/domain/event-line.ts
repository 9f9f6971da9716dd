import type { VehicleEvent } from '@fleet/contracts';
import { compileFieldSet, type FieldSpec } from './field-set';
import { encodeRaw, LineBuffer } from './line-buffer';
import { type LineResult, reject } from './line-protocol';

export const EVENTS_MEASUREMENT = 'events';

type FloatKey = 'lat' | 'lon' | 'speedKph' | 'limitKph' | 'peakSpeedKph' | 'durationMs' | 'accelMps2';
type StringKey = 'eventId' | 'geofenceId' | 'geofenceName';

/** Fields sorted by key, as the client's Point writes them. */
const EVENT_FIELDS: readonly FieldSpec<FloatKey | StringKey, 'float' | 'string'>[] = [
  { field: 'accel_mps2', key: 'accelMps2', kind: 'float' },
  { field: 'duration_ms', key: 'durationMs', kind: 'float' },
  { field: 'event_id', key: 'eventId', kind: 'string' },
  { field: 'geofence_id', key: 'geofenceId', kind: 'string' },
  { field: 'geofence_name', key: 'geofenceName', kind: 'string' },
  { field: 'lat', key: 'lat', kind: 'float' },
  { field: 'limit_kph', key: 'limitKph', kind: 'float' },
  { field: 'lon', key: 'lon', kind: 'float' },
  { field: 'peak_speed_kph', key: 'peakSpeedKph', kind: 'float' },
  { field: 'speed_kph', key: 'speedKph', kind: 'float' },
];

const eventFields = compileFieldSet(EVENT_FIELDS);
const LINE_PREFIX = encodeRaw(`${EVENTS_MEASUREMENT},type=`);
/** Lines are built one at a time, synchronously, so one buffer serves them all. */
const line = new LineBuffer();

/** 32-bit FNV-1a: small, stable across processes and releases. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * Event time in nanoseconds. A point is identified by measurement + tags + time, so two geofence
 * events of one vehicle and type confirmed by the same reading (nested zones) would overwrite each
 * other at ms precision. They get a deterministic sub-millisecond offset derived from the geofence
 * id: still the same millisecond (queries at ms precision see the device time), still idempotent
 * on replay. Other events sit exactly on the millisecond.
 */
export function eventTimeNs(event: Pick<VehicleEvent, 'ts' | 'geofenceId'>): string {
  const offset = event.geofenceId && event.ts >= 0 ? fnv1a(event.geofenceId) % 1_000_000 : 0;
  return `${event.ts}${String(offset).padStart(6, '0')}`;
}

/** An event as one line of the `events` measurement (tags `vehicle_id`, `type`; precision ns). */
export function eventLine(event: VehicleEvent): LineResult {
  if (typeof event.vehicleId !== 'string' || event.vehicleId === '') return reject('INVALID', 'vehicleId is empty');
  if (typeof event.type !== 'string' || (event.type as string) === '') return reject('INVALID', 'type is empty');
  if (!Number.isSafeInteger(event.ts)) return reject('INVALID', `ts is not an integer epoch-ms value: ${event.ts}`);
  line.bytes(LINE_PREFIX).tag(event.type).raw(',vehicle_id=').tag(event.vehicleId).raw(' ');
  const rejected = eventFields(event, line);
  if (rejected) {
    line.reset();
    return rejected;
  }
  return { ok: true, line: line.raw(' ').raw(eventTimeNs(event)).take() };
}
