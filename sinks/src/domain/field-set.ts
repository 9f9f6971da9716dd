import { floatValue, type LineRejection, reject } from './line-protocol';

/** One field of a measurement: its InfluxDB key, the record property it comes from, how it is written. */
export interface FieldSpec<Key extends string = string, Kind extends string = string> {
  /** InfluxDB field key (snake_case). */
  field: string;
  key: Key;
  kind: Kind;
}

/**
 * The field set of a line (`key=value,key=value`, in the order of `specs`). Absent values (null or
 * undefined) are left out; a `float` must be a finite number or the whole line is rejected; any
 * other kind is written by `format`, which may return undefined to leave the field out.
 */
export function fieldSet<Key extends string, Kind extends string>(
  specs: readonly FieldSpec<Key, Kind>[],
  source: { readonly [K in Key]?: unknown },
  format: (spec: FieldSpec<Key, Kind>, value: unknown) => string | undefined,
): { ok: true; fields: string } | LineRejection {
  let fields = '';
  for (const spec of specs) {
    const value = source[spec.key];
    if (value === null || value === undefined) continue;
    let text: string | undefined;
    if (spec.kind === 'float') {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return reject('NON_FINITE', `${spec.key} is not a finite number: ${String(value)}`);
      }
      text = floatValue(value);
    } else {
      text = format(spec, value);
      if (text === undefined) continue;
    }
    fields += fields === '' ? `${spec.field}=${text}` : `,${spec.field}=${text}`;
  }
  return { ok: true, fields };
}
