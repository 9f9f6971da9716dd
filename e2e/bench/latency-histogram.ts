/** Bucket bounds grow by 2 %, so every percentile is within 2 % and memory is constant. */
const GROWTH = 1.02;
const SMALLEST_MS = 0.1;
const BUCKETS = 1000; // 0.1 ms · 1.02^1000 ≈ 111 hours

export interface LatencyFigures {
  n: number;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** Latencies in ms, with p50 / p99 / p99.9 (the simulator's own histogram has no p99.9). */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private count = 0;
  private max = 0;

  record(ms: number): void {
    const value = Math.max(0, ms);
    const bucket = value <= SMALLEST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(value / SMALLEST_MS) / Math.log(GROWTH)));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count++;
    if (value > this.max) this.max = value;
  }

  get size(): number {
    return this.count;
  }

  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return Math.min(this.max, SMALLEST_MS * GROWTH ** bucket);
    }
    return this.max;
  }

  figures(): LatencyFigures {
    const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
    return {
      n: this.count,
      p50: round(this.percentile(50)),
      p99: round(this.percentile(99)),
      p999: round(this.percentile(99.9)),
      max: round(this.count === 0 ? null : this.max),
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }
}
