import { type Line, NEWLINE } from './line-protocol';

/** Text that needs no escaping, encoded once for {@link LineBuffer.bytes}. */
export function encodeRaw(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** A slab holds about a thousand telemetry lines; it is freed once none of them is pending. */
const SLAB_BYTES = 256 * 1024;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
/** Beyond 2^53 not every integer is a double, and digit arithmetic on doubles stops being exact. */
const MAX_EXACT = 2 ** 53;
/**
 * Below 2^31 a double's spacing is under 2.4e-7, so at most one decimal with up to six fraction
 * digits maps to a given double: the scaled-integer formatting below is then unambiguous.
 */
const MAX_SCALED = 2 ** 31;
const MIN_SCALED = 1e-6;
const MAX_FRACTION_DIGITS = 6;

/** Writes the decimal digits of a non-negative integer below 2^53 at `at`; returns the new end. */
function writeDigits(bytes: Uint8Array, at: number, value: number): number {
  let count = 1;
  for (let limit = 10; limit <= value; limit *= 10) count++;
  const end = at + count;
  let position = end;
  if (value < MAX_SCALED) {
    do {
      const rest = (value / 10) | 0;
      bytes[--position] = ZERO + (value - rest * 10);
      value = rest;
    } while (value > 0);
  } else {
    do {
      const rest = Math.floor(value / 10);
      bytes[--position] = ZERO + (value - rest * 10);
      value = rest;
    } while (value > 0);
  }
  return end;
}

/** What a tag key/value or field key must escape (the client's Point escapes the same). */
function tagEscape(code: number): number {
  switch (code) {
    case 0x2c: // ,
    case 0x3d: // =
    case 0x20: // space
      return code;
    case 0x0a:
      return 0x6e; // \n → "\\n"
    case 0x0d:
      return 0x72; // \r → "\\r"
    case 0x09:
      return 0x74; // \t → "\\t"
    default:
      return 0;
  }
}

/**
 * Builds line-protocol lines one at a time, each straight into a shared slab after the one before
 * (with a newline between), and hands them out as byte ranges: no string per line, and a request
 * body is copied from the slab in a few runs. Concatenating a line from ~15 number strings and
 * separators made ~30 short-lived strings and a tree of fragments per line, and V8's
 * shortest-double formatting was the sink's largest single cost; digits written straight into
 * bytes avoid both. Output equals `String(value)` for every number and the client's Point escaping
 * for text (property-tested).
 */
export class LineBuffer {
  #bytes = Buffer.allocUnsafe(SLAB_BYTES);
  /** Where the line being built starts in the slab. */
  #start = 0;
  #length = 0;

  /** Text that needs no escaping (measurement names, field keys, separators, timestamps). */
  raw(text: string): this {
    return this.#text(text, 0);
  }

  /** Pre-encoded text that needs no escaping (see {@link encodeRaw}): a plain byte copy. */
  bytes(encoded: Uint8Array): this {
    this.#ensure(encoded.length);
    const bytes = this.#bytes;
    let length = this.#length;
    for (let i = 0; i < encoded.length; i++) bytes[length++] = encoded[i]!;
    this.#length = length;
    return this;
  }

  /** A tag key or value (or field key): `,` `=` and space backslash-escaped, \n \r \t as `\n` `\r` `\t`. */
  tag(text: string): this {
    return this.#text(text, 1);
  }

  /** A string field value: double-quoted, `"` and `\` backslash-escaped. */
  quoted(text: string): this {
    this.#ensure(1);
    this.#bytes[this.#length++] = QUOTE;
    this.#text(text, 2);
    this.#ensure(1);
    this.#bytes[this.#length++] = QUOTE;
    return this;
  }

  /** A finite number as `String(value)` writes it, without the `i` suffix: InfluxDB stores a float. */
  float(value: number): this {
    this.#ensure(32);
    const bytes = this.#bytes;
    let length = this.#length;
    const magnitude = value < 0 ? -value : value;
    if (Number.isInteger(magnitude) && magnitude < MAX_EXACT) {
      if (value < 0) bytes[length++] = MINUS;
      this.#length = writeDigits(bytes, length, magnitude);
      return this;
    }
    if (magnitude >= MIN_SCALED && magnitude < MAX_SCALED) {
      // The fewest fraction digits whose decimal reads back as exactly this double: the shortest
      // round-trip form, which is what String() prints for numbers in this range.
      for (let places = 1, scale = 10; places <= MAX_FRACTION_DIGITS; places++, scale *= 10) {
        const scaled = Math.round(magnitude * scale);
        if (scaled / scale !== magnitude) continue;
        if (value < 0) bytes[length++] = MINUS;
        const whole = Math.floor(magnitude);
        length = writeDigits(bytes, length, whole);
        bytes[length++] = DOT;
        let fraction = scaled - whole * scale;
        for (let at = length + places - 1; at >= length; at--) {
          const rest = (fraction / 10) | 0;
          bytes[at] = ZERO + (fraction - rest * 10);
          fraction = rest;
        }
        this.#length = length + places;
        return this;
      }
    }
    return this.raw(String(value));
  }

  /** The line built so far; the buffer starts a new line after it. */
  take(): Line {
    this.#ensure(1);
    const line: Line = { slab: this.#bytes, start: this.#start, end: this.#length };
    this.#bytes[this.#length++] = NEWLINE;
    this.#start = this.#length;
    return line;
  }

  /** Drops what was written of the current line (a line that turned out invalid). */
  reset(): void {
    this.#length = this.#start;
  }

  /** Plain ASCII is copied in a tight loop; escapes and other characters take {@link #char}. */
  #text(text: string, mode: 0 | 1 | 2): this {
    this.#ensure(text.length * 3);
    const bytes = this.#bytes;
    let length = this.#length;
    for (let i = 0; i < text.length; ) {
      const code = text.charCodeAt(i);
      if (code >= 0x80 || (mode === 1 && tagEscape(code) !== 0) || (mode === 2 && (code === QUOTE || code === BACKSLASH))) {
        this.#length = length;
        i += this.#char(text, i, mode);
        length = this.#length;
      } else {
        bytes[length++] = code;
        i++;
      }
    }
    this.#length = length;
    return this;
  }

  /**
   * The character at `index` (mode 0 raw, 1 tag, 2 quoted string), UTF-8 encoded as Buffer.from
   * encodes it; returns the UTF-16 units it took (2 for a surrogate pair).
   */
  #char(text: string, index: number, mode: 0 | 1 | 2): number {
    const bytes = this.#bytes;
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (mode === 1) {
        const escaped = tagEscape(code);
        if (escaped !== 0) {
          bytes[this.#length++] = BACKSLASH;
          bytes[this.#length++] = escaped;
          return 1;
        }
      } else if (mode === 2 && (code === QUOTE || code === BACKSLASH)) {
        bytes[this.#length++] = BACKSLASH;
      }
      bytes[this.#length++] = code;
      return 1;
    }
    if (code < 0x800) {
      bytes[this.#length++] = 0xc0 | (code >> 6);
      bytes[this.#length++] = 0x80 | (code & 0x3f);
      return 1;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(index + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        bytes[this.#length++] = 0xf0 | (point >> 18);
        bytes[this.#length++] = 0x80 | ((point >> 12) & 0x3f);
        bytes[this.#length++] = 0x80 | ((point >> 6) & 0x3f);
        bytes[this.#length++] = 0x80 | (point & 0x3f);
        return 2;
      }
      // A lone surrogate becomes U+FFFD, as Buffer.from(text, 'utf8') writes it.
      bytes[this.#length++] = 0xef;
      bytes[this.#length++] = 0xbf;
      bytes[this.#length++] = 0xbd;
      return 1;
    }
    bytes[this.#length++] = 0xe0 | (code >> 12);
    bytes[this.#length++] = 0x80 | ((code >> 6) & 0x3f);
    bytes[this.#length++] = 0x80 | (code & 0x3f);
    return 1;
  }

  /**
   * Makes room for `extra` more bytes. A full slab is left to the lines already taken from it; the
   * line being built moves to a new one.
   */
  #ensure(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    const partial = this.#length - this.#start;
    const slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, (partial + extra) * 2));
    this.#bytes.copy(slab, 0, this.#start, this.#length);
    this.#bytes = slab;
    this.#start = 0;
    this.#length = partial;
  }
}
