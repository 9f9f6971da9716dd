import type { PipelinePorts } from '@fleet/infra/pipeline';
import { metricValue } from '../src/metric-value';

export interface PipelineCounters {
  at: number;
  bridgeAccepted: number;
  bridgeRejected: number;
  processorReadings: number;
  processorEvents: number;
  sinkTelemetryPoints: number;
  emailsSent: number;
}

/** Counters from the services' /metrics, to turn into per-stage rates between two reads. */
export async function readCounters(ports: PipelinePorts): Promise<PipelineCounters> {
  const value = (port: number, name: string, labels = '') => metricValue(port, name, labels).catch(() => Number.NaN);
  const [bridgeAccepted, bridgeRejected, processorReadings, processorEvents, sinkTelemetryPoints, emailsSent] = await Promise.all([
    value(ports.bridgeOps, 'bridge_readings_accepted_total'),
    value(ports.bridgeOps, 'bridge_readings_rejected_total'),
    value(ports.processorsOps, 'processor_readings_total'),
    value(ports.processorsOps, 'processor_events_total'),
    value(ports.sinksOps, 'sink_points_written_total', 'measurement="telemetry"'),
    value(ports.alertsOps, 'alerts_notifications_total', 'status="sent"'),
  ]);
  return { at: Date.now(), bridgeAccepted, bridgeRejected, processorReadings, processorEvents, sinkTelemetryPoints, emailsSent };
}

/** Per-second rates of each stage between two reads. */
export function stageRates(from: PipelineCounters, to: PipelineCounters) {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  const rate = (a: number, b: number) => Math.round((b - a) / seconds);
  return {
    bridge: rate(from.bridgeAccepted, to.bridgeAccepted),
    processors: rate(from.processorReadings, to.processorReadings),
    sinks: rate(from.sinkTelemetryPoints, to.sinkTelemetryPoints),
  };
}
