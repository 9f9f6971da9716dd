import type { DlqReason } from '@fleet/contracts';

/** One message of the flood: its MQTT topic, its bytes and what the bridge must do with it. */
export interface FloodMessage {
  topic: string;
  payload: Buffer;
  /** undefined = a valid reading (to the telemetry topic); otherwise the DLQ reason expected. */
  reason: DlqReason | undefined;
  /** `vehicleId#seq` of a valid reading, or the bad message's marker (found in the DLQ record's bytes). */
  key: string;
}

const ONE_HOUR_MS = 3_600_000;

function reading(vehicleId: string, seq: number, nowMs: number, extra: Record<string, unknown> = {}) {
  return { vehicleId, ts: nowMs - 120_000 + seq, seq, lat: 52.5, lon: 13.4, speedKph: 50, ...extra };
}

/**
 * The n-th message of one client: every other one is valid; the bad ones cycle through each
 * dead-letter reason; every 20th bad one is over-size (64 KiB), so megabytes pass through the bridge.
 */
export function floodMessage(vehicleId: string, n: number, nowMs: number): FloodMessage {
  const topic = `vehicles/${vehicleId}/telemetry`;
  const json = (body: object) => Buffer.from(JSON.stringify(body));
  if (n % 2 === 0) return { topic, payload: json(reading(vehicleId, n, nowMs)), reason: undefined, key: `${vehicleId}#${n}` };
  const marker = `bad-${vehicleId}-${n}`;
  const bad = (n - 1) / 2;
  if (bad % 20 === 19) {
    return { topic, payload: json(reading(vehicleId, n, nowMs, { marker, padding: 'x'.repeat(64 * 1024) })), reason: 'TOO_LARGE', key: marker };
  }
  switch (bad % 5) {
    case 0:
      return { topic, payload: Buffer.from(`{not json ${marker}`), reason: 'PARSE', key: marker };
    case 1:
      return { topic, payload: json(reading(vehicleId, n, nowMs, { marker, lat: 'north' })), reason: 'SCHEMA', key: marker };
    case 2:
      return { topic, payload: json(reading(vehicleId, n, nowMs, { marker, speedKph: 999 })), reason: 'RANGE', key: marker };
    case 3:
      return { topic, payload: json(reading(`${vehicleId}-other`, n, nowMs, { marker })), reason: 'TOPIC_MISMATCH', key: marker };
    default:
      return { topic, payload: json(reading(vehicleId, n, nowMs, { marker, ts: nowMs + ONE_HOUR_MS })), reason: 'CLOCK_SKEW', key: marker };
  }
}

/** The marker inside a dead-lettered record's original bytes. */
export function markerOf(value: Buffer): string | undefined {
  return /bad-[^"\s]+/.exec(value.toString('utf8'))?.[0];
}
