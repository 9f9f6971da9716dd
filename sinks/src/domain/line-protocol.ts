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
