import type { PipelinePorts } from '@fleet/infra/pipeline';

/** Cumulative bucket counts (le → count) of one Prometheus histogram, summed over its series. */
type Buckets = Map<number, number>;

const STAGES = [
  { stage: 'bridge produce request', port: 'bridgeOps', name: 'bridge_produce_latency_seconds', labels: '' },
  { stage: 'bridge receive → Kafka ack (oldest of batch)', port: 'bridgeOps', name: 'bridge_ack_latency_seconds', labels: '' },
  { stage: 'processor batch (process + produce)', port: 'processorsOps', name: 'processor_batch_seconds', labels: '' },
  { stage: 'bridge receive → event acked (processor)', port: 'processorsOps', name: 'processor_ingest_to_event_seconds', labels: '' },
  { stage: 'InfluxDB write (telemetry)', port: 'sinksOps', name: 'sink_write_duration_seconds', labels: 'measurement="telemetry"' },
] as const;

export type StageSnapshot = Map<string, Buckets>;

export interface StageFigures {
  stage: string;
  metric: string;
  n: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

async function scrape(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    return await response.text();
  } catch {
    return '';
  }
}

function bucketsOf(text: string, name: string, labels: string): Buckets {
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(labels)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

/** The stage histograms of the services now (cumulative since each service started). */
export async function snapshotStages(ports: PipelinePorts): Promise<StageSnapshot> {
  const texts = new Map<string, string>();
  for (const port of new Set(STAGES.map((s) => s.port))) texts.set(port, await scrape(ports[port]));
  return new Map(STAGES.map((s) => [s.name, bucketsOf(texts.get(s.port) ?? '', s.name, s.labels)]));
}

/** Quantile from cumulative buckets (linear within a bucket, as Prometheus' histogram_quantile). */
function quantile(bounds: [number, number][], q: number): number | null {
  const total = bounds.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous: [number, number] = [0, 0];
  for (const [bound, count] of bounds) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previous[0];
      const share = count === previous[1] ? 0 : (rank - previous[1]) / (count - previous[1]);
      return previous[0] + (bound - previous[0]) * share;
    }
    previous = [bound, count];
  }
  return null;
}

/** Per-stage p50/p99 of what happened between two snapshots (bucket resolution). */
export function stageFigures(from: StageSnapshot, to: StageSnapshot): StageFigures[] {
  return STAGES.map(({ stage, name }) => {
    const end = to.get(name) ?? new Map();
    const start = from.get(name) ?? new Map();
    const bounds = [...end.entries()].map(([bound, count]) => [bound, count - (start.get(bound) ?? 0)] as [number, number]).sort((a, b) => a[0] - b[0]);
    const ms = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10);
    return { stage, metric: name, n: bounds.at(-1)?.[1] ?? 0, p50Ms: ms(quantile(bounds, 0.5)), p99Ms: ms(quantile(bounds, 0.99)) };
  });
}
