import { encodeRaw, type LineBuffer } from './line-buffer';
import { type LineRejection, reject } from './line-protocol';

/**
 * How a field is written: `float` a finite number (always a float, never `i`, so the field type
 * never depends on the value), `bool` T/F, `string` a quoted text, `strings` a non-empty list as
 * one comma-joined quoted text (left out when empty).
 */
export type FieldKind = 'float' | 'bool' | 'string' | 'strings';

/** One field of a measurement: its InfluxDB key, the record property it comes from, how it is written. */
export interface FieldSpec<Key extends string = string, Kind extends FieldKind = FieldKind> {
  /** InfluxDB field key (snake_case). */
  field: string;
  key: Key;
  kind: Kind;
}

const TRUE = encodeRaw('T');
const FALSE = encodeRaw('F');

/**
 * Compiles the field set of a line (`key=value,key=value`, in the order of `specs`): writes the
 * fields of `source` into `line` and returns a rejection when a float is not a finite number
 * (InfluxDB would refuse the whole write for it). Absent values (null or undefined) are left out.
 * Each field's `key=` (with and without the leading comma) is built once here.
 */
export function compileFieldSet<Key extends string>(
  specs: readonly FieldSpec<Key>[],
): (source: { readonly [K in Key]?: unknown }, line: LineBuffer) => LineRejection | undefined {
  const compiled = specs.map((spec) => ({ spec, first: encodeRaw(`${spec.field}=`), next: encodeRaw(`,${spec.field}=`) }));
  return (source, line) => {
    let empty = true;
    for (const { spec, first, next } of compiled) {
      const value = source[spec.key];
      if (value === null || value === undefined) continue;
      if (spec.kind === 'float' && (typeof value !== 'number' || !Number.isFinite(value))) {
        return reject('NON_FINITE', `${spec.key} is not a finite number: ${String(value)}`);
      }
      if (spec.kind === 'strings' && (!Array.isArray(value) || value.length === 0)) continue;
      line.bytes(empty ? first : next);
      empty = false;
      if (spec.kind === 'float') line.float(value as number);
      else if (spec.kind === 'bool') line.bytes(value === true ? TRUE : FALSE);
      else if (spec.kind === 'strings') line.quoted((value as unknown[]).join(','));
      else line.quoted(String(value));
    }
    return undefined;
  };
}
