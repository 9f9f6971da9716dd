import { cpus } from 'node:os';
import type { BenchContext } from './bench-context';
import { drain, lags, sleep } from './drain';
import type { LatencyFigures } from './latency-histogram';
import { machineCpuMeter } from '@fleet/testkit/bench';
import { readCounters, stageRates } from './pipeline-counters';
import type { SimSpec } from './sim-protocol';

export interface RampStep {
  vehicles: number;
  offeredPerSec: number;
  sentPerSec: number;
  ackedPerSec: number;
  stageRates: { bridge: number; processors: number; sinks: number };
  puback: LatencyFigures;
  lagStart: { processors: number; sinks: number };
  lagEnd: { processors: number; sinks: number };
  rssMb: Record<string, number | null>;
  /** Whole machine during the measured window, percent of one core. */
  machineCpuPercent: number | null;
  sustained: boolean;
  reasons: string[];
}

export interface RampResult {
  steps: RampStep[];
  highestSustainedPerSec: number;
  loss: { published: number; acked: number; unacknowledged: number; inKafka: number; inInfluxDb: number; drained: boolean };
}

const WARMUP_MS = 8000;
const PROGRESS_MS = 5000;

/**
 * The processors commit offsets at state checkpoints (PROCESSOR_STATE_FLUSH_MS, 5 s by default, on
 * a timer of a quarter of it), so their committed lag saw-tooths up to that much data while they keep up.
 */
function checkpointSeconds(ctx: BenchContext): number {
  const configured = Number(ctx.options.serviceEnv['stream-processors']?.PROCESSOR_STATE_FLUSH_MS ?? 5000);
  return (Number.isFinite(configured) ? configured : 5000) * 1.25 / 1000;
}

/** Judges a step: the pipeline kept up when every stage ran at the offered rate and no queue grew. */
function judge(step: Omit<RampStep, 'sustained' | 'reasons'>, boundMs: number, errors: number, processorSlackSeconds: number): string[] {
  const reasons: string[] = [];
  const offered = step.offeredPerSec;
  if (step.sentPerSec < offered * 0.97) reasons.push(`simulator sent only ${step.sentPerSec}/s (load generator starved)`);
  if (step.ackedPerSec < step.sentPerSec * 0.97) reasons.push(`acked ${step.ackedPerSec}/s < 97 % of sent`);
  if ((step.puback.p99 ?? 0) > boundMs) reasons.push(`PUBACK p99 ${step.puback.p99} ms > ${boundMs} ms`);
  for (const stage of ['processors', 'sinks'] as const) {
    // Committed offsets move in steps (a sink commits after each InfluxDB write), so allow 2 s of data.
    const slack = stage === 'processors' ? processorSlackSeconds : 0;
    const growth = step.lagEnd[stage] - step.lagStart[stage];
    if (growth > offered * (2 + slack) || step.lagEnd[stage] > offered * (5 + slack)) {
      reasons.push(`${stage} lag ${step.lagStart[stage]} → ${step.lagEnd[stage]}`);
    }
    if (step.stageRates[stage] < step.ackedPerSec * 0.9) reasons.push(`${stage} ${step.stageRates[stage]}/s < 90 % of acked`);
  }
  if (errors > 0) reasons.push(`${errors} simulator errors`);
  return reasons;
}

export async function runRamp(ctx: BenchContext, deadline: number): Promise<RampResult> {
  const { options, sim, say } = ctx;
  const prefix = `${ctx.runId}r`;
  const steps: RampStep[] = [];
  const names: string[] = [];
  const before = await sim.snapshot();
  let vehicles = 0;
  for (let k = 1; vehicles + (k === 1 ? options.rampStart : options.rampStep) <= options.rampMax; k++) {
    if (Date.now() + options.stepSeconds * 1000 > deadline) {
      say('ramp: stopping early, the time bound is near');
      break;
    }
    const adding = k === 1 ? options.rampStart : options.rampStep;
    const spec: SimSpec = {
      brokerUrl: ctx.brokerUrl,
      vehicles: adding,
      idPrefix: `${prefix}${k}-`,
      seed: k,
      connections: Math.ceil(adding / options.vehiclesPerConnection),
      shares: { speeding: options.speedingShare, harsh: options.harshShare, depotExit: 0 },
    };
    names.push(`ramp-${k}`);
    await sim.start(`ramp-${k}`, spec);
    vehicles += adding;
    say(`ramp step ${k}: ${vehicles} vehicles at 1 Hz (offered ${vehicles} readings/s), holding ${options.stepSeconds} s`);
    await sleep(WARMUP_MS);
    const first = await sim.snapshot({ resetWindow: true });
    const errorsBefore = first.totals.errors;
    const [lagStart, countersStart] = await Promise.all([lags(ctx), readCounters(ctx.pipeline.ports)]);
    const machineCpu = machineCpuMeter(cpus().length);
    const holdUntil = Date.now() + options.stepSeconds * 1000 - WARMUP_MS;
    while (Date.now() < holdUntil) {
      await sleep(Math.min(PROGRESS_MS, holdUntil - Date.now()));
      const [snap, lag] = await Promise.all([sim.snapshot(), lags(ctx)]);
      say(
        `  ${vehicles} veh: acked ${Math.round((snap.windowAcked / Math.max(1, snap.windowMs)) * 1000)}/s, PUBACK p99 ${snap.window.p99} ms, ` +
          `lag processors ${lag.processors} sinks ${lag.sinks}, in flight ${snap.totals.inFlight}`,
      );
    }
    const [snap, lagEnd, countersEnd] = await Promise.all([sim.snapshot({ resetWindow: true }), lags(ctx), readCounters(ctx.pipeline.ports)]);
    const measured = {
      vehicles,
      offeredPerSec: vehicles,
      sentPerSec: Math.round(((snap.totals.sent - first.totals.sent) / Math.max(1, snap.windowMs)) * 1000),
      ackedPerSec: Math.round((snap.windowAcked / Math.max(1, snap.windowMs)) * 1000),
      stageRates: stageRates(countersStart, countersEnd),
      puback: snap.window,
      lagStart,
      lagEnd,
      rssMb: ctx.sampler.rss(),
      machineCpuPercent: machineCpu.stop(),
    };
    const reasons = judge(measured, options.pubackP99BoundMs, snap.totals.errors - errorsBefore, checkpointSeconds(ctx));
    steps.push({ ...measured, sustained: reasons.length === 0, reasons });
    say(
      `  step ${k} ${reasons.length === 0 ? 'SUSTAINED' : `NOT sustained (${reasons.join('; ')})`}: acked ${measured.ackedPerSec}/s, ` +
        `bridge ${measured.stageRates.bridge}/s, processors ${measured.stageRates.processors}/s, sinks ${measured.stageRates.sinks}/s, ` +
        `PUBACK p50/p99 ${snap.window.p50}/${snap.window.p99} ms`,
    );
    if (reasons.length > 0) break;
  }

  say('ramp: stopping the ramp fleet and draining');
  let unacknowledged = 0;
  for (const name of names) unacknowledged += await sim.stop(name);
  const after = await sim.snapshot();
  const acked = after.totals.acked - before.totals.acked;
  const drained = await drain(ctx, prefix, acked, 120_000);
  const inKafka = await ctx.probe.endOffsets(ctx.pipeline.topics.telemetry);
  const highest = steps.filter((step) => step.sustained).reduce((best, step) => Math.max(best, step.offeredPerSec), 0);
  return {
    steps,
    highestSustainedPerSec: highest,
    loss: {
      published: after.totals.sent - before.totals.sent,
      acked,
      unacknowledged,
      inKafka,
      inInfluxDb: drained.points,
      drained: drained.complete,
    },
  };
}
