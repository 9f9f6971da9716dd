import { floatValue, type LineRejection, reject } from './line-protocol';

/** One field of a measurement: its InfluxDB key, the record property it comes from, how it is written. */
export interface FieldSpec<Key extends string = string, Kind extends string = string> {
  /** InfluxDB field key (snake_case). */
  field: string;
  key: Key;
  kind: Kind;
}

export type FieldSetResult = { ok: true; fields: string } | LineRejection;

/**
 * Compiles the field set of a line (`key=value,key=value`, in the order of `specs`). Absent values
 * (null or undefined) are left out; a `float` must be a finite number or the whole line is
 * rejected; any other kind is written by `format`, which may return undefined to leave the field
 * out. Each field's `key=` (with and without the leading comma) is built once here: building it
 * per line made four short-lived strings per field, a large share of the sink's garbage.
 */
export function compileFieldSet<Key extends string, Kind extends string>(
  specs: readonly FieldSpec<Key, Kind>[],
  format: (spec: FieldSpec<Key, Kind>, value: unknown) => string | undefined,
): (source: { readonly [K in Key]?: unknown }) => FieldSetResult {
  const compiled = specs.map((spec) => ({ spec, first: `${spec.field}=`, next: `,${spec.field}=` }));
  return (source) => {
    let fields = '';
    for (const { spec, first, next } of compiled) {
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
      fields = fields === '' ? first + text : fields + next + text;
    }
    return { ok: true, fields };
  };
}
