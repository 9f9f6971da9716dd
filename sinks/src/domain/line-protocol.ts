/** Between lines, in a slab and in a request body. */
export const NEWLINE = 0x0a;

/** A field that could not be written, and why (the record goes to the sink DLQ). */
export interface LineRejection {
  ok: false;
  reason: 'NON_FINITE' | 'INVALID';
  error: string;
}

/**
 * A built line: bytes `[start, end)` of the slab its line buffer wrote it into (UTF-8, without the
 * newline that follows it there). Lines stay bytes all the way into the request body.
 */
export interface Line {
  readonly slab: Buffer;
  readonly start: number;
  readonly end: number;
}

export type LineResult = { ok: true; line: Line } | LineRejection;

/** A line as text (tests, logs). */
export function lineText(line: Line): string {
  return line.slab.toString('utf8', line.start, line.end);
}

/**
 * The newline-separated request body of `lines`. A slab holds each line followed by a newline, so
 * lines built one after another are copied as one run.
 */
export function lineProtocolBody(lines: readonly Line[]): Buffer {
  let size = lines.length > 0 ? lines.length - 1 : 0;
  for (const line of lines) size += line.end - line.start;
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  let index = 0;
  while (index < lines.length) {
    const first = lines[index]!;
    let last = first;
    while (index + 1 < lines.length) {
      const next = lines[index + 1]!;
      if (next.slab !== last.slab || next.start !== last.end + 1) break;
      last = next;
      index++;
    }
    if (at > 0) body[at++] = NEWLINE;
    at += first.slab.copy(body, at, first.start, last.end);
    index++;
  }
  return body;
}

export function reject(reason: LineRejection['reason'], error: string): LineRejection {
  return { ok: false, reason, error };
}
