/**
 * The wait a server asked for in a `Retry-After` header: delta-seconds or an HTTP date (relative
 * to `nowMs`), capped at `maxMs`. Undefined when absent or unreadable (the caller backs off).
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number, maxMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000;
  } else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    ms = date - nowMs;
  }
  return Math.min(maxMs, Math.max(0, ms));
}
