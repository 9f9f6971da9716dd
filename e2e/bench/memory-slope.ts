import type { RampStep } from './ramp';

export const PIPELINE_SERVICES = ['bridge', 'stream-processors', 'sinks', 'alerts'] as const;

export function pipelineRss(rss: Record<string, number | null>, names: readonly string[] = PIPELINE_SERVICES): number {
  return names.reduce((sum, name) => sum + (rss[name] ?? 0), 0);
}

/** Least-squares slope of RSS (MB) over vehicles, scaled to 10,000 vehicles; null with < 2 points. */
export function mbPer10kVehicles(points: { vehicles: number; rssMb: number }[]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.vehicles, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.vehicles - meanX) * (p.rssMb - meanY);
    den += (p.vehicles - meanX) ** 2;
  }
  return den === 0 ? null : Math.round((num / den) * 10_000);
}

/**
 * Over the sustained steps only: at the step that fails, backlogs (the sinks' pending lines, the
 * bridge's in-flight records) grow, which is queueing, not cost per vehicle.
 */
export function rampMemorySlope(steps: RampStep[], names: readonly string[] = PIPELINE_SERVICES): number | null {
  const sustained = steps.filter((step) => step.sustained);
  return mbPer10kVehicles((sustained.length >= 2 ? sustained : steps).map((step) => ({ vehicles: step.vehicles, rssMb: pipelineRss(step.rssMb, names) })));
}
