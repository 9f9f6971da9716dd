import type { PipelinePorts } from './launch-pipeline';

/** Reads a few counters from the services' Prometheus endpoints for the demo's status line. */
export interface LiveCounts {
  readingsAccepted: number;
  readingsRejected: number;
  events: number;
  pointsWritten: number;
  emailsSent: number;
}

function sumOf(metrics: string, name: string, labelFilter?: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (labelFilter && !line.includes(labelFilter)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

async function metricsOf(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}

export async function readLiveCounts(ports: PipelinePorts): Promise<LiveCounts> {
  const [bridge, processors, sinks, alerts] = await Promise.all([
    metricsOf(ports.bridgeOps),
    metricsOf(ports.processorsOps),
    metricsOf(ports.sinksOps),
    metricsOf(ports.alertsOps),
  ]);
  return {
    readingsAccepted: sumOf(bridge, 'bridge_readings_accepted_total'),
    readingsRejected: sumOf(bridge, 'bridge_readings_rejected_total'),
    events: sumOf(processors, 'processor_events_total'),
    pointsWritten: sumOf(sinks, 'sink_points_written_total'),
    emailsSent: sumOf(alerts, 'alerts_notifications_total', 'status="sent"'),
  };
}
