import type { FixedLoadResult } from './fixed-load';
import type { LatencyFigures } from './latency-histogram';
import type { MachineDescription } from './machine';
import type { RampResult } from './ramp';

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: MachineDescription & { loadAverageAtEnd: number[] };
  settings: Record<string, unknown>;
  ramp: RampResult | null;
  fixed: FixedLoadResult | null;
  memory: { idlePipelineRssMb: number; mbPer10kVehiclesPipeline: number | null; mbPer10kVehiclesAll: number | null; method: string };
  goals: { goal: string; measured: string; met: boolean | null }[];
}

const n = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits });

const perReading = (cpuSeconds: number | null, readings: number) => (cpuSeconds === null || readings === 0 ? null : (cpuSeconds / readings) * 1e6);
const totalCpu = (fixed: FixedLoadResult, key: 'cpuPercent' | 'cpuSeconds') => fixed.processes.reduce((sum, p) => sum + (p[key] ?? 0), 0);

function latencyRow(name: string, figures: LatencyFigures, goal: string): string {
  return `| ${name} | ${n(figures.n)} | ${n(figures.p50, 1)} | ${n(figures.p99, 1)} | ${n(figures.p999, 1)} | ${n(figures.max, 1)} | ${goal} |`;
}

export function toMarkdown(report: BenchReport): string {
  const { machine, ramp, fixed, memory } = report;
  const lines = [
    `# Pipeline benchmark ${report.startedAt}`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.ramGb} GB RAM, Node ${machine.node}, Linux ${machine.kernel}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ${machine.loadAverageAtEnd.join(' / ')}. ` +
      `Everything (simulator, bridge, Kafka, registry, processors, sinks, InfluxDB, alerts, SMTP catcher) on this machine. Run took ${n(report.durationSeconds)} s.`,
    '',
    '## Goals',
    '',
    '| goal | measured | met |',
    '|---|---|---|',
    ...report.goals.map((goal) => `| ${goal.goal} | ${goal.measured} | ${goal.met === null ? '–' : goal.met ? 'yes' : '**no**'} |`),
  ];
  if (ramp) {
    lines.push(
      '',
      `## Ramp (1 Hz per vehicle; highest sustained with zero loss: **${n(ramp.highestSustainedPerSec)} readings/s**)`,
      '',
      '| vehicles | sent/s | acked/s | bridge/s | processors/s | sinks/s | PUBACK p50 / p99 ms | lag end (proc / sinks) | pipeline RSS MB | machine CPU % | sustained |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...ramp.steps.map(
        (step) =>
          `| ${n(step.vehicles)} | ${n(step.sentPerSec)} | ${n(step.ackedPerSec)} | ${n(step.stageRates.bridge)} | ${n(step.stageRates.processors)} | ${n(step.stageRates.sinks)} | ` +
          `${n(step.puback.p50, 1)} / ${n(step.puback.p99, 1)} | ${n(step.lagEnd.processors)} / ${n(step.lagEnd.sinks)} | ` +
          `${n(['bridge', 'stream-processors', 'sinks', 'alerts'].reduce((sum, name) => sum + (step.rssMb[name] ?? 0), 0))} | ${n(step.machineCpuPercent)} | ` +
          `${step.sustained ? 'yes' : `no: ${step.reasons.join('; ')}`} |`,
      ),
      '',
      `Ramp loss check: published ${n(ramp.loss.published)}, acked ${n(ramp.loss.acked)}, unacknowledged at stop ${n(ramp.loss.unacknowledged)}, ` +
        `records in Kafka ${n(ramp.loss.inKafka)}, points in InfluxDB ${n(ramp.loss.inInfluxDb)}${ramp.loss.drained ? '' : ' (not fully drained)'}.`,
    );
  }
  if (fixed) {
    lines.push(
      '',
      `## Fixed load: ${n(fixed.vehicles)} vehicles at 1 Hz for ${fixed.seconds} s`,
      '',
      `Stage rates: bridge ${n(fixed.stageRates.bridge)}/s, processors ${n(fixed.stageRates.processors)}/s, sinks ${n(fixed.stageRates.sinks)}/s.`,
      '',
      '| latency (ms) | n | p50 | p99 | p99.9 | max | goal |',
      '|---|---|---|---|---|---|---|',
      latencyRow('device → Kafka (publish → PUBACK)', fixed.latencyMs.deviceToKafka, ''),
      latencyRow('device → event (independent consumer)', fixed.latencyMs.deviceToEvent, 'p99 ≤ 150'),
      latencyRow(`device → queryable in InfluxDB (polled every ${fixed.queryableSamples.pollMs} ms)`, fixed.latencyMs.deviceToQueryable, 'p99 ≤ 1,500'),
      latencyRow('device → email (caught by SMTP)', fixed.latencyMs.deviceToEmail, ''),
      '',
      `Events seen: ${n(fixed.events.observed)} (${Object.entries(fixed.events.byType).map(([type, count]) => `${type} ${count}`).join(', ')}); ` +
        `${n(fixed.events.matchedToTrigger)} matched to their triggering reading. Emails caught: ${n(fixed.emails.caught)}, ` +
        `${n(fixed.emails.matchedToEvent)} matched to an event (cooldown: one per vehicle and type per 10 min). ` +
        `InfluxDB samples: ${n(fixed.queryableSamples.vehicles)} vehicles, ${n(fixed.queryableSamples.unresolved)} readings never seen.`,
      '',
      'Stage breakdown from the services\' own histograms (bucket resolution):',
      '',
      '| stage | n | p50 ms | p99 ms |',
      '|---|---|---|---|',
      ...fixed.stages.map((s) => `| ${s.stage} | ${n(s.n)} | ${n(s.p50Ms, 1)} | ${n(s.p99Ms, 1)} |`),
      '',
      '| process | CPU % of one core | CPU s | CPU µs per reading | peak RSS MB |',
      '|---|---|---|---|---|',
      ...fixed.processes.map(
        (p) => `| ${p.name} | ${n(p.cpuPercent)} | ${n(p.cpuSeconds, 1)} | ${n(perReading(p.cpuSeconds, fixed.loss.published))} | ${n(p.peakRssMb)} |`,
      ),
      `| **total measured** | ${n(totalCpu(fixed, 'cpuPercent'))} of ${machine.cores * 100} | ${n(totalCpu(fixed, 'cpuSeconds'), 1)} | ${n(perReading(totalCpu(fixed, 'cpuSeconds'), fixed.loss.published))} | |`,
      `| other work on the machine (not this bench) | ${n(fixed.machineCpu.othersPercent)} | | | |`,
      '',
      '| loss check | count |',
      '|---|---|',
      `| published by the simulator | ${n(fixed.loss.published)} |`,
      `| acknowledged (PUBACK) | ${n(fixed.loss.acked)} |`,
      `| unacknowledged at stop / failed | ${n(fixed.loss.unacknowledged)} / ${n(fixed.loss.failed)} |`,
      `| records in the telemetry topic (offsets) | ${n(fixed.loss.inKafka)} |`,
      `| rejected by the bridge (DLQ) | ${n(fixed.loss.rejectedByBridge)} |`,
      `| points in InfluxDB for the run's vehicles | ${n(fixed.loss.inInfluxDb)}${fixed.loss.drained ? '' : ' (drain timed out)'} |`,
      `| **lost** (acked but missing in Kafka or InfluxDB) | **${n(fixed.loss.lost)}** |`,
    );
  }
  lines.push(
    '',
    `Memory: idle pipeline (bridge + processors + sinks + alerts) ${n(memory.idlePipelineRssMb)} MB; ` +
      `${n(memory.mbPer10kVehiclesPipeline)} MB more per 10,000 vehicles (${memory.method}); ` +
      `with Kafka, InfluxDB and the registry: ${n(memory.mbPer10kVehiclesAll)} MB per 10,000.`,
    '',
  );
  return lines.join('\n');
}
