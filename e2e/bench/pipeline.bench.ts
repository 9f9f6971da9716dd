/**
 * npm run bench: the whole pipeline on this machine. Ramps a simulated fleet at 1 Hz per vehicle
 * until the pipeline cannot keep up, then holds a fixed load and measures device→Kafka,
 * device→event, device→queryable and device→email latency, CPU and memory per process, and loss.
 * Writes bench-results/pipeline-<time>.json and .md. Knobs: see BENCH_USAGE.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, openBenchContext } from './bench-context';
import { BENCH_USAGE, benchOptions } from './bench-options';
import { type FixedLoadResult, runFixedLoad } from './fixed-load';
import { describeMachine } from './machine';
import { mbPer10kVehicles, pipelineRss, rampMemorySlope } from './memory-slope';
import { type RampResult, runRamp } from './ramp';
import { type BenchReport, toMarkdown } from './report';
import { sleep } from './drain';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  const options = benchOptions(process.env);
  const startedAt = new Date();
  const deadline = startedAt.getTime() + options.timeoutMinutes * 60_000;
  const machine = describeMachine();
  const ctx = await openBenchContext(options);
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= ctx.close();
    return closing;
  };
  // Bounded in time and interruptible: whatever happens, the services and the simulator stop.
  const hardStop = setTimeout(() => {
    ctx.say(`time bound of ${options.timeoutMinutes} min reached: stopping`);
    void shutdown().then(() => process.exit(2));
  }, options.timeoutMinutes * 60_000 + 120_000);
  hardStop.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      ctx.say(`${signal}: stopping the simulator and the services`);
      void shutdown().then(() => process.exit(130));
    });
  }

  try {
    await sleep(3000);
    const idleRss = ctx.sampler.rss();
    ctx.say(`ready: machine ${machine.cores} cores, ${machine.ramGb} GB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);
    const ramp: RampResult | null = options.ramp ? await runRamp(ctx, deadline) : null;
    if (ramp) await sleep(5000);
    const fixed: FixedLoadResult | null =
      options.fixed && Date.now() + options.fixedSeconds * 1000 < deadline ? await runFixedLoad(ctx) : null;
    const report = buildReport(ctx, startedAt, machine, idleRss, ramp, fixed);
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = join(ctx.outDir, `pipeline-${stamp}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${base}.md`, toMarkdown(report));
    process.stdout.write(`\n${toMarkdown(report)}\n`);
    ctx.say(`results: ${base}.json and .md`);
  } finally {
    clearTimeout(hardStop);
    ctx.say('stopping the simulator and the services (the infrastructure stays up)');
    await shutdown();
  }
}

function buildReport(
  ctx: BenchContext,
  startedAt: Date,
  machine: ReturnType<typeof describeMachine>,
  idleRss: Record<string, number | null>,
  ramp: RampResult | null,
  fixed: FixedLoadResult | null,
): BenchReport {
  const idlePipeline = pipelineRss(idleRss);
  const allNames = ['bridge', 'stream-processors', 'sinks', 'alerts', 'kafka', 'influxdb', 'schema-registry'];
  const fromRamp = ramp && ramp.steps.length >= 2;
  const fixedPeak = (names: string[]) => (fixed?.processes ?? []).filter((p) => names.includes(p.name)).reduce((sum, p) => sum + (p.peakRssMb ?? 0), 0);
  const fixedSlope = (names: string[]) =>
    fixed ? mbPer10kVehicles([{ vehicles: 0, rssMb: pipelineRss(idleRss, names) }, { vehicles: fixed.vehicles, rssMb: fixedPeak(names) }]) : null;
  const memory = {
    idlePipelineRssMb: Math.round(idlePipeline),
    mbPer10kVehiclesPipeline: fromRamp ? rampMemorySlope(ramp.steps) : fixedSlope(['bridge', 'stream-processors', 'sinks', 'alerts']),
    mbPer10kVehiclesAll: fromRamp ? rampMemorySlope(ramp.steps, allNames) : fixedSlope(allNames),
    method: fromRamp ? 'least-squares slope of RSS over the ramp steps' : 'fixed-load peak RSS against the idle pipeline',
  };
  const eventP99 = fixed?.latencyMs.deviceToEvent.p99 ?? null;
  const queryableP99 = fixed?.latencyMs.deviceToQueryable.p99 ?? null;
  const sustained = ramp?.highestSustainedPerSec ?? null;
  const at = fixed ? ` at ${fixed.offeredPerSec.toLocaleString('en-US')} readings/s` : '';
  return {
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100) },
    settings: { ...ctx.options, namespace: ctx.namespace },
    ramp,
    fixed,
    memory,
    goals: [
      { goal: '≥ 10,000 readings/s sustained end to end (stretch 15,000)', measured: sustained === null ? 'ramp skipped' : `${sustained.toLocaleString('en-US')}/s`, met: sustained === null ? null : sustained >= 10_000 },
      { goal: 'device→event p99 ≤ 150 ms at 5,000 readings/s', measured: eventP99 === null ? '–' : `${eventP99} ms${at}`, met: eventP99 === null ? null : eventP99 <= 150 },
      { goal: 'device→queryable p99 ≤ 1.5 s at 5,000 readings/s', measured: queryableP99 === null ? '–' : `${queryableP99} ms${at}`, met: queryableP99 === null ? null : queryableP99 <= 1500 },
      {
        goal: '≤ 300 MB more memory per extra 10,000 vehicles',
        measured: memory.mbPer10kVehiclesPipeline === null ? '–' : `${memory.mbPer10kVehiclesPipeline} MB (pipeline services)`,
        met: memory.mbPer10kVehiclesPipeline === null ? null : memory.mbPer10kVehiclesPipeline <= 300,
      },
      { goal: 'zero loss', measured: fixed ? `${fixed.loss.lost} lost of ${fixed.loss.acked.toLocaleString('en-US')} acked` : '–', met: fixed ? fixed.loss.lost === 0 && fixed.loss.drained : null },
    ],
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
