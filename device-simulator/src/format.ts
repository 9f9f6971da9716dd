import type { SimulationSummary } from './app';
import type { LatencySummary } from './latency-histogram';
import type { SimulationStats } from './stats';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatClock(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const parts = [Math.floor(totalSeconds / 3600), Math.floor(totalSeconds / 60) % 60, totalSeconds % 60];
  return parts.map((part) => String(part).padStart(2, '0')).join(':');
}

function formatLatency(latency: LatencySummary | null): string {
  if (!latency) return 'n/a';
  const ms = (value: number) => `${decimal.format(value)} ms`;
  return `p50 ${ms(latency.p50)} · p90 ${ms(latency.p90)} · p99 ${ms(latency.p99)} · max ${ms(latency.max)}`;
}

function formatErrors(stats: SimulationStats): string {
  const kinds = Object.entries(stats.errorsByKind).sort(([, a], [, b]) => b - a);
  const top = kinds.slice(0, 3).map(([kind, count]) => `${integer.format(count)}× ${kind}`);
  return [integer.format(stats.errors), ...top].join(' · ');
}

/** The live block a terminal shows, redrawn in place. */
export function formatStatsBlock(stats: SimulationStats, qos: 0 | 1): string[] {
  const { connections } = stats;
  const lines = [
    `  elapsed    ${formatClock(stats.elapsedMs)}`,
    `  vehicles   ${integer.format(stats.activeVehicles)} / ${integer.format(stats.vehicles)} publishing · connections ${integer.format(connections.open)} / ${integer.format(connections.total)} up`,
    `  readings   sent ${integer.format(stats.sent)} · ${qos === 1 ? 'acked' : 'written'} ${integer.format(stats.acked)} · in flight ${integer.format(stats.inFlight)} · ${integer.format(stats.ratePerSec)}/s`,
  ];
  if (qos === 1) lines.push(`  latency    ${formatLatency(stats.latencyMs)}`);
  lines.push(`  errors     ${formatErrors(stats)}`);
  return lines;
}

/** One line for logs and CI output, where redrawing is impossible. */
export function formatStatsLine(stats: SimulationStats): string {
  const parts = [
    formatClock(stats.elapsedMs),
    `connected ${integer.format(stats.connections.open)}/${integer.format(stats.connections.total)}`,
    `sent ${integer.format(stats.sent)}`,
    `acked ${integer.format(stats.acked)}`,
    `${integer.format(stats.ratePerSec)}/s`,
    `in-flight ${integer.format(stats.inFlight)}`,
    `errors ${integer.format(stats.errors)}`,
  ];
  if (stats.latencyMs) parts.push(`p99 ${decimal.format(stats.latencyMs.p99)} ms`);
  return parts.join(' · ');
}

const REASONS: Record<SimulationSummary['reason'], string> = {
  duration: 'duration reached',
  'max-readings': 'max readings sent',
  'scenario-complete': 'scenario replayed',
  stopped: 'stopped',
};

export function formatSummary(summary: SimulationSummary, qos: 0 | 1): string {
  const lines = [
    `fleet-sim summary (${REASONS[summary.reason]}) after ${formatClock(summary.elapsedMs)}`,
    `  vehicles        ${integer.format(summary.activeVehicles)} of ${integer.format(summary.vehicles)} published, over ${integer.format(summary.connections.total)} connections`,
    `  sent            ${integer.format(summary.sent)} readings (${decimal.format(summary.averageRatePerSec)}/s average)`,
    `  ${qos === 1 ? 'acknowledged' : 'written     '}    ${integer.format(summary.acked)}`,
  ];
  if (qos === 1) {
    lines.push(`  unacknowledged  ${integer.format(summary.unacknowledged)}`);
    lines.push(`  PUBACK latency  ${formatLatency(summary.latencyMs)}`);
  }
  lines.push(`  errors          ${formatErrors(summary)}`);
  return lines.join('\n');
}
