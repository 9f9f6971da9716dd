/** Bucket bounds grow by 5 %, so percentiles are within 5 % and memory stays constant. */
const GROWTH = 1.05;
const SMALLEST_MS = 0.05;
const BUCKETS = 400; // 0.05 ms · 1.05^400 ≈ 15 hours: beyond any acknowledgement wait

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Publish→PUBACK latencies of millions of readings in a fixed 400-bucket log histogram. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private count = 0;
  private max = 0;

  record(ms: number): void {
    const bucket = ms <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / SMALLEST_MS) / Math.log(GROWTH)));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** Upper bound of the bucket holding the p-th percentile (p in [0, 100]). */
  percentile(p: number): number {
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank && seen > 0) return Math.min(this.max, SMALLEST_MS * GROWTH ** bucket);
    }
    return this.max;
  }

  summary(): LatencySummary | null {
    if (this.count === 0) return null;
    return { count: this.count, p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99), max: this.max };
  }
}
