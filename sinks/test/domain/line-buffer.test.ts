import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/domain/line-buffer';
import { lineProtocolBody, lineText } from '../../src/domain/line-protocol';

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
        expect(lineText(line.float(value).take())).toBe(String(value));
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
        expect(lineText(line.float(value).take())).toBe(String(value));
      }),
      { numRuns: 50_000 },
    );
  });

  it.each([0, -0, 1, -1, 0.1, -0.05, 1e-6, 9.99e-7, 1e-7, 2 ** 31, 2 ** 31 - 0.5, 2 ** 53, -(2 ** 53) + 1, 1e21, 123456789.123456, 48.1371234, Number.MAX_VALUE, Number.MIN_VALUE])(
    'writes the edge case %s as String() does',
    (value) => {
      expect(lineText(line.float(value).take())).toBe(String(value));
    },
  );

  it('escapes tags and quoted strings like the client Point, and encodes any text as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (tag, text) => {
        expect(lineText(line.raw('m,t=').tag(tag).raw(' f=').quoted(text).take())).toBe(asSent(`m,t=${pointTag(tag)} f=${pointQuoted(text)}`));
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps every line it handed out while later lines fill new slabs, and reset() drops only the current line', () => {
    const own = new LineBuffer();
    const texts = Array.from({ length: 400 }, (_, i) => `m,t=${i} f="${'ü'.repeat(i * 7)}"`);
    const taken = texts.map((_, i) => {
      own.raw('half a line');
      own.reset();
      return own.raw(`m,t=${i} f=`).quoted('ü'.repeat(i * 7)).take();
    });
    const huge = own.raw('a').quoted('x'.repeat(600_000)).take();
    expect(taken.map(lineText)).toEqual(texts);
    expect(new Set(taken.map((line) => line.slab)).size).toBeGreaterThan(1);
    expect(lineText(huge)).toBe(`a"${'x'.repeat(600_000)}"`);
  });

  it('writes any selection of lines, in any order, as one newline-separated body', () => {
    const own = new LineBuffer();
    const built = Array.from({ length: 3_000 }, (_, i) => own.raw(`m,t=${i} f=`).quoted('é'.repeat(i % 97)).take());
    fc.assert(
      fc.property(fc.array(fc.nat({ max: built.length - 1 }), { maxLength: 300 }), fc.boolean(), (indexes, sorted) => {
        const picked = (sorted ? [...indexes].sort((a, b) => a - b) : indexes).map((index) => built[index]!);
        expect(lineProtocolBody(picked).toString('utf8')).toBe(picked.map(lineText).join('\n'));
      }),
      { numRuns: 300 },
    );
  });
});
