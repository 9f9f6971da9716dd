import type { BenchContext } from './bench-context';
import { countPoints } from './influx-probe';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function lags(ctx: BenchContext): Promise<{ processors: number; sinks: number }> {
  const topic = ctx.pipeline.topics.telemetry;
  const [processors, sinks] = await Promise.all([ctx.probe.lag(ctx.groups.processors, topic), ctx.probe.lag(ctx.groups.sinks, topic)]);
  return { processors, sinks };
}

/**
 * Waits until the consumers have caught up and InfluxDB holds `expectedPoints` for the prefix
 * (or the timeout); returns the last figures seen and how long it took.
 */
export async function drain(ctx: BenchContext, prefix: string, expectedPoints: number, timeoutMs: number) {
  const started = Date.now();
  let lastSaid = started;
  for (;;) {
    const [lag, points] = await Promise.all([lags(ctx), countPoints(ctx.endpoints.influx, prefix).catch(() => -1)]);
    const done = lag.processors === 0 && lag.sinks === 0 && points >= expectedPoints;
    if (done || Date.now() - started > timeoutMs) return { lag, points, drainMs: Date.now() - started, complete: done };
    if (Date.now() - lastSaid > 5000) {
      lastSaid = Date.now();
      ctx.say(`  draining: lag processors ${lag.processors}, sinks ${lag.sinks}; InfluxDB ${points}/${expectedPoints} points`);
    }
    await sleep(500);
  }
}
