/**
 * InfluxDB line protocol building blocks. Escaping follows the client's Point (so a line built here
 * equals `Point#toLineProtocol()` for the same data; see the property test) but without the
 * per-point objects and key sorting, which matters at 100k+ points/s.
 */

const TAG_SPECIAL = /[,= \n\r\t]/;
const TAG_ESCAPES: Record<string, string> = { ',': '\\,', '=': '\\=', ' ': '\\ ', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const MEASUREMENT_SPECIAL = /[, \n\r\t]/;
const STRING_SPECIAL = /["\\]/;

/** Escapes a tag key, tag value or field key. */
export function escapeTag(value: string): string {
  return TAG_SPECIAL.test(value) ? value.replace(/[,= \n\r\t]/g, (char) => TAG_ESCAPES[char] ?? char) : value;
}

export function escapeMeasurement(value: string): string {
  return MEASUREMENT_SPECIAL.test(value) ? value.replace(/[, \n\r\t]/g, (char) => TAG_ESCAPES[char] ?? char) : value;
}

/** A string field value: double-quoted, `"` and `\` escaped. */
export function stringValue(value: string): string {
  return STRING_SPECIAL.test(value) ? `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"` : `"${value}"`;
}

/**
 * A float field value. No `i` suffix, so InfluxDB stores a float even for whole numbers (`1` is
 * the float 1.0): the field type never depends on the value. Callers check finiteness first.
 */
export function floatValue(value: number): string {
  return String(value);
}

export function boolValue(value: boolean): string {
  return value ? 'T' : 'F';
}

/**
 * A line built by concatenation is a tree of fragments (~900 bytes of string objects for a
 * 250-character line) until something reads it whole. Flattening it right after building leaves
 * one flat string: less memory held while the line waits for its write, and joining a write's
 * lines ~3x faster. Number() makes V8 flatten its argument.
 */
export function flattened(line: string): string {
  // Stored, not discarded: the optimizing compiler drops an unused Number() and the flattening with it.
  notANumber = Number(line);
  return line;
}
let notANumber = 0;

/** A field that could not be written, and why (the record goes to the sink DLQ). */
export interface LineRejection {
  ok: false;
  reason: 'NON_FINITE' | 'INVALID';
  error: string;
}

export type LineResult = { ok: true; line: string } | LineRejection;

export function reject(reason: LineRejection['reason'], error: string): LineRejection {
  return { ok: false, reason, error };
}
