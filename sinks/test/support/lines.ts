import { type Line, type LineResult, lineText } from '../../src/domain/line-protocol';

/** A line holding `text`, in a slab of its own. */
export function textLine(text: string): Line {
  const slab = Buffer.from(text, 'utf8');
  return { slab, start: 0, end: slab.length };
}

/** A line result with the line as text, to compare with expected lines. */
export function asText(result: LineResult): { ok: true; line: string } | Exclude<LineResult, { ok: true }> {
  return result.ok ? { ok: true, line: lineText(result.line) } : result;
}
