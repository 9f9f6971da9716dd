/** A line InfluxDB refused on its own, and the server's reason. */
export interface RejectedLine {
  index: number;
  error: unknown;
}

/**
 * Writes `lines` and finds the ones InfluxDB rejects permanently (400 field-type conflict,
 * unparsable line, 413 too large). `write` retries transient failures itself and throws only
 * permanent ones, which `isPermanent` recognises. A rejected batch is bisected: halves that are
 * accepted are written, halves that fail are split again until single lines remain, so one bad
 * point costs about 2·log2(n) extra requests instead of stalling the partition. Rewrites are
 * harmless: a point is an idempotent upsert (InfluxDB may already have kept the good lines of a
 * partial write).
 */
export async function writeIsolatingRejects<L>(
  lines: readonly L[],
  write: (lines: readonly L[]) => Promise<void>,
  isPermanent: (error: unknown) => boolean,
): Promise<RejectedLine[]> {
  const rejected: RejectedLine[] = [];
  async function attempt(start: number, end: number): Promise<void> {
    try {
      await write(start === 0 && end === lines.length ? lines : lines.slice(start, end));
    } catch (error) {
      if (!isPermanent(error)) throw error;
      if (end - start === 1) {
        rejected.push({ index: start, error });
        return;
      }
      const middle = start + Math.ceil((end - start) / 2);
      await attempt(start, middle);
      await attempt(middle, end);
    }
  }
  if (lines.length > 0) await attempt(0, lines.length);
  return rejected;
}
