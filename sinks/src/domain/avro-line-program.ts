import type avro from 'avsc';
import { FALSE, type FieldSpec, fieldKeys, TRUE } from './field-set';
import { encodeRaw, LineBuffer } from './line-buffer';

/** The line a record becomes: `<prefix><tag> <fields> <time>`, e.g. `telemetry,vehicle_id=` + id. */
export interface LineLayout<Key extends string = string> {
  /** Measurement and tag key up to the tag value, e.g. `telemetry,vehicle_id=`. */
  prefix: Uint8Array;
  /** The record field holding the tag value (a non-empty string). */
  tagKey: Key;
  /** The record field holding the point time (an integer, written as it is). */
  timeKey: Key;
  fields: readonly FieldSpec<Key>[];
}

/** Reads one record body at `offset` and returns its line, or undefined when it needs the general path. */
export type AvroLineProgram = (body: Buffer, offset: number) => string | undefined;

/** How a value is read from the Avro body. */
const NULL = 0;
const BOOLEAN = 1;
const NUMBER_VARINT = 2; // int and long (zig-zag varints)
const FLOAT = 3;
const DOUBLE = 4;
const TEXT = 5; // string (kept as a byte range)
const SKIP_BYTES = 6; // bytes: a length and the bytes, not kept
const SKIP_VARINT = 7; // enum: an index, not kept
const SKIP_FIXED = 8;
const TEXTS = 9; // array of strings (kept as byte ranges)
const UNION = 10;

interface Read {
  op: number;
  /** SKIP_FIXED: its size. */
  size?: number;
  branches?: Read[];
}

/** What a slot keeps: the tag, the time, or one of the fields (by its kind). */
type SlotKind = 'tag' | 'time' | FieldSpec['kind'];

/** Which Avro values may fill a slot: the promotions Avro schema resolution allows, nothing else. */
const ACCEPTS: Record<SlotKind, readonly number[]> = {
  tag: [TEXT],
  time: [NUMBER_VARINT],
  float: [NUMBER_VARINT, FLOAT, DOUBLE],
  bool: [BOOLEAN],
  string: [TEXT],
  strings: [TEXTS],
};

/** A writer type's read, or undefined for a type this program does not read (nested records, maps, logical types…). */
function readFor(type: avro.Type): Read | undefined {
  switch (type.typeName) {
    case 'null':
      return { op: NULL };
    case 'boolean':
      return { op: BOOLEAN };
    case 'int':
    case 'long':
      return { op: NUMBER_VARINT };
    case 'float':
      return { op: FLOAT };
    case 'double':
      return { op: DOUBLE };
    case 'string':
      return { op: TEXT };
    case 'bytes':
      return { op: SKIP_BYTES };
    case 'enum':
      return { op: SKIP_VARINT };
    case 'fixed':
      return { op: SKIP_FIXED, size: (type as avro.types.FixedType).size };
    case 'array':
      return (type as avro.types.ArrayType).itemsType.typeName === 'string' ? { op: TEXTS } : undefined;
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = (type as unknown as { types: avro.Type[] }).types.map(readFor);
      return branches.every((branch) => branch !== undefined && branch.op !== UNION) ? { op: UNION, branches: branches as Read[] } : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether every value `read` can produce fits `kind` (a null only where the slot may be absent). */
function fits(read: Read, kind: SlotKind): boolean {
  if (read.op === UNION) return read.branches!.every((branch) => (branch.op === NULL ? kind !== 'tag' && kind !== 'time' : fits(branch, kind)));
  return ACCEPTS[kind].includes(read.op);
}

/**
 * Compiles the direct Avro → line-protocol reader for one writer schema: the record's fields are
 * read straight from the body into the line, without an object, strings or numbers' text per
 * record in between (about a third of the sink's CPU went to decoding and re-serialising).
 *
 * Only for a writer schema the reader schema is known to resolve (the caller checks), and only
 * where the result is certain to equal the general path's (decode to the reader schema, then build
 * the line): returns undefined for a schema it cannot read, and the program returns undefined for a
 * record it cannot (non-ASCII text, a non-finite number, an empty tag, a malformed body…), which
 * then takes the general path and gets its exact line or rejection.
 */
export function compileAvroLineProgram<Key extends string>(writer: avro.Type, reader: avro.Type, layout: LineLayout<Key>): AvroLineProgram | undefined {
  if (writer.typeName !== 'record' || reader.typeName !== 'record') return undefined;
  const writerFields = (writer as avro.types.RecordType).fields;
  const readerFields = (reader as avro.types.RecordType).fields;
  // Aliases would map fields by other names than the ones matched here.
  if (readerFields.some((field) => field.aliases.length > 0)) return undefined;

  const slotKeys: Key[] = [layout.tagKey, layout.timeKey, ...layout.fields.map((spec) => spec.key)];
  const slotKinds: SlotKind[] = ['tag', 'time', ...layout.fields.map((spec) => spec.kind)];
  const TAG = 0;
  const TIME = 1;
  const FIRST_FIELD = 2;

  const steps: { read: Read; slot: number }[] = [];
  for (const field of writerFields) {
    const read = readFor(field.type);
    if (!read) return undefined;
    // A writer field the reader has no use for is read past; so is one the line does not carry.
    const readerField = readerFields.find((candidate) => candidate.name === field.name);
    const slot = readerField ? slotKeys.indexOf(field.name as Key) : -1;
    if (slot >= 0) {
      // Both sides: what the writer wrote and what the general path would have decoded it to.
      const readerRead = readFor(readerField!.type);
      if (!readerRead || !fits(readerRead, slotKinds[slot]!) || !fits(read, slotKinds[slot]!)) return undefined;
    }
    steps.push({ read, slot });
  }
  // A slot the writer does not fill takes the reader's default: fine if that means "absent".
  for (let slot = 0; slot < slotKeys.length; slot++) {
    if (steps.some((step) => step.slot === slot)) continue;
    if (slot === TAG || slot === TIME) return undefined;
    const readerField = readerFields.find((candidate) => candidate.name === slotKeys[slot]);
    const fallback: unknown = readerField?.defaultValue();
    const absent = fallback === undefined || fallback === null || (Array.isArray(fallback) && fallback.length === 0);
    if (!absent) return undefined;
  }

  const slots = slotKeys.length;
  const numbers = new Float64Array(slots);
  const present = new Uint8Array(slots);
  const starts = new Int32Array(slots);
  const ends = new Int32Array(slots);
  /** Per TEXTS slot: start, end, start, end… of its items (reused across records). */
  const ranges: number[][] = Array.from({ length: slots }, () => []);
  const keys = layout.fields.map((spec) => fieldKeys(spec.field));
  const kinds = layout.fields.map((spec) => spec.kind);
  const SPACE = encodeRaw(' ');
  const QUOTE = encodeRaw('"');
  const COMMA = encodeRaw(',');
  const line = new LineBuffer();

  let body: Buffer;
  let position = 0;

  /** A zig-zag varint; NaN past the body's end or beyond 7 bytes (2^48, where exactness would need care). */
  function varint(): number {
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 7 && position < body.length; i++) {
      const byte = body[position++]!;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      factor *= 128;
    }
    return Number.NaN;
  }

  /** A length-prefixed run of bytes; returns false when it does not fit the body. */
  function range(slot: number): boolean {
    const length = varint();
    if (!(length >= 0) || position + length > body.length) return false;
    if (slot >= 0) {
      starts[slot] = position;
      ends[slot] = position + length;
    }
    position += length;
    return true;
  }

  function texts(slot: number): boolean {
    const items = slot >= 0 ? ranges[slot]! : undefined;
    for (;;) {
      let count = varint();
      if (Number.isNaN(count)) return false;
      if (count === 0) return true;
      if (count < 0) {
        count = -count;
        if (Number.isNaN(varint())) return false; // the block's size in bytes
      }
      for (let i = 0; i < count; i++) {
        const length = varint();
        if (!(length >= 0) || position + length > body.length) return false;
        items?.push(position, position + length);
        position += length;
      }
    }
  }

  /** Reads one value into `slot` (-1: read past it); false when the record needs the general path. */
  function read(step: Read, slot: number): boolean {
    switch (step.op) {
      case NULL:
        return true;
      case BOOLEAN:
        if (position >= body.length) return false;
        // Any non-zero byte reads as true, as avsc reads it.
        if (slot >= 0) numbers[slot] = body[position] === 0 ? 0 : 1;
        position++;
        break;
      case NUMBER_VARINT: {
        const value = varint();
        if (Number.isNaN(value)) return false;
        if (slot >= 0) numbers[slot] = value;
        break;
      }
      case FLOAT:
      case DOUBLE: {
        const size = step.op === FLOAT ? 4 : 8;
        if (position + size > body.length) return false;
        const value = step.op === FLOAT ? body.readFloatLE(position) : body.readDoubleLE(position);
        position += size;
        if (slot < 0) return true;
        if (!Number.isFinite(value)) return false;
        numbers[slot] = value;
        break;
      }
      case TEXT:
        if (!range(slot)) return false;
        break;
      case SKIP_BYTES:
        return range(-1);
      case SKIP_VARINT:
        return !Number.isNaN(varint());
      case SKIP_FIXED:
        position += step.size!;
        return position <= body.length;
      case TEXTS:
        if (!texts(slot)) return false;
        break;
      case UNION: {
        const branch = step.branches![varint()];
        return branch !== undefined && read(branch, slot);
      }
    }
    if (slot >= 0) present[slot] = 1;
    return true;
  }

  /** The space after the tag and the field set. */
  function writeFields(): boolean {
    line.bytes(SPACE);
    let empty = true;
    for (let index = 0; index < kinds.length; index++) {
      const slot = FIRST_FIELD + index;
      if (present[slot] === 0) continue;
      const kind = kinds[index]!;
      if (kind === 'strings' && ranges[slot]!.length === 0) continue;
      line.bytes(empty ? keys[index]!.first : keys[index]!.next);
      empty = false;
      if (kind === 'float') line.float(numbers[slot]!);
      else if (kind === 'bool') line.bytes(numbers[slot] === 1 ? TRUE : FALSE);
      else if (kind === 'string') {
        line.bytes(QUOTE);
        if (!line.asciiFrom(body, starts[slot]!, ends[slot]!, 'quoted')) return false;
        line.bytes(QUOTE);
      } else {
        const items = ranges[slot]!;
        line.bytes(QUOTE);
        for (let at = 0; at < items.length; at += 2) {
          if (at > 0) line.bytes(COMMA);
          if (!line.asciiFrom(body, items[at]!, items[at + 1]!, 'quoted')) return false;
        }
        line.bytes(QUOTE);
      }
    }
    return true;
  }

  return (record, offset) => {
    body = record;
    position = offset;
    present.fill(0);
    for (const items of ranges) items.length = 0;
    for (const step of steps) if (!read(step.read, step.slot)) return undefined;
    if (ends[TAG] === starts[TAG]) return undefined;
    line.bytes(layout.prefix);
    const written = line.asciiFrom(body, starts[TAG]!, ends[TAG]!, 'tag') && writeFields();
    if (!written) {
      line.reset();
      return undefined;
    }
    return line.bytes(SPACE).float(numbers[TIME]!).take();
  };
}
