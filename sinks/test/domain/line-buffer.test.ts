import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/domain/line-buffer';

const line = new LineBuffer();

/** The escaping the client's Point applies (influxdb-client `escape.tag` / `escape.quoted`). */
const pointTag = (text: string) => text.replace(/[,= \n\r\t]/g, (char) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[char] ?? `\\${char}`);
const pointQuoted = (text: string) => `"${text.replace(/["\\]/g, (char) => `\\${char}`)}"`;
/** What the old string path sent: the text as Buffer.from encodes it, read back. */
const asSent = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

describe('LineBuffer', () => {
  it('writes every finite number exactly as String() does', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(line.float(value).take()).toBe(String(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes decimals with up to nine fraction digits (what devices send) exactly as String() does', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -4_000_000_000, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 9 }))
      .map(([whole, fraction, places]) => whole + (whole < 0 ? -1 : 1) * (fraction % 10 ** places) / 10 ** places);
    fc.assert(
      fc.property(decimal, (value) => {
        expect(line.float(value).take()).toBe(String(value));
      }),
      { numRuns: 50_000 },
    );
  });

  it.each([0, -0, 1, -1, 0.1, -0.05, 1e-6, 9.99e-7, 1e-7, 2 ** 31, 2 ** 31 - 0.5, 2 ** 53, -(2 ** 53) + 1, 1e21, 123456789.123456, 48.1371234, Number.MAX_VALUE, Number.MIN_VALUE])(
    'writes the edge case %s as String() does',
    (value) => {
      expect(line.float(value).take()).toBe(String(value));
    },
  );

  it('escapes tags and quoted strings like the client Point, and encodes any text as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (tag, text) => {
        expect(line.raw('m,t=').tag(tag).raw(' f=').quoted(text).take()).toBe(asSent(`m,t=${pointTag(tag)} f=${pointQuoted(text)}`));
      }),
      { numRuns: 5_000 },
    );
  });

  it('grows past its initial size and starts afresh after take() and reset()', () => {
    const long = 'ü'.repeat(5_000);
    expect(line.raw('a').quoted(long).take()).toBe(`a"${long}"`);
    line.raw('half a line');
    line.reset();
    expect(line.raw('x=').float(1.5).take()).toBe('x=1.5');
  });
});
