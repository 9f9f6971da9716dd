import { createKafka, silentLogger } from '@fleet/runtime';
import { createApp } from '../src/app';
import { loadBridgeConfig } from '../src/config';
import { createPassthroughIngest } from './passthrough-ingest';

// The bridge under benchmark, in its own process so its CPU and RSS are measured alone.
// BENCH_PASSTHROUGH=1 runs the baseline (no validation, no Avro).
const config = loadBridgeConfig(process.env);
const log = silentLogger();
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'bridge-bench', log });
const app = await createApp({
  config,
  log,
  kafka,
  ...(process.env.BENCH_PASSTHROUGH === '1' ? { createIngest: createPassthroughIngest } : {}),
});

let cpuMark = process.cpuUsage();
let wallMark = performance.now();
let producedMark = 0;

async function produced(): Promise<number> {
  const metric = await app.metrics.getSingleMetric('bridge_records_produced_total')?.get();
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
}

async function ackLatencyQuantiles(): Promise<{ p50: number; p99: number }> {
  const metric = await app.metrics.getSingleMetric('bridge_ack_latency_seconds')?.get();
  const buckets = (metric?.values ?? []).filter((v) => (v as { metricName?: string }).metricName?.endsWith('_bucket'));
  const total = buckets.find((b) => b.labels.le === '+Inf')?.value ?? 0;
  const at = (q: number) => {
    const bucket = buckets.find((b) => b.value >= q * total);
    return bucket === undefined ? Number.NaN : Number(bucket.labels.le) * 1000;
  };
  return { p50: at(0.5), p99: at(0.99) };
}

async function histogramMean(name: string): Promise<number> {
  const values = (await app.metrics.getSingleMetric(name)?.get())?.values ?? [];
  const pick = (suffix: string) => values.find((v) => (v as { metricName?: string }).metricName === `${name}${suffix}`)?.value ?? 0;
  return pick('_sum') / Math.max(1, pick('_count'));
}

process.on('message', async (command: string) => {
  if (command === 'mark') {
    cpuMark = process.cpuUsage();
    wallMark = performance.now();
    producedMark = await produced();
    process.send?.({ type: 'marked' });
  } else if (command === 'report') {
    const cpu = process.cpuUsage(cpuMark);
    const wallMs = performance.now() - wallMark;
    process.send?.({
      type: 'report',
      wallMs,
      cpuCores: (cpu.user + cpu.system) / 1000 / wallMs,
      rssMb: process.memoryUsage().rss / 1024 / 1024,
      produced: (await produced()) - producedMark,
      inFlight: app.batcher.inFlightRecords,
      ackLatencyMs: await ackLatencyQuantiles(),
      batchRecordsMean: await histogramMean('bridge_batch_records'),
      produceMsMean: (await histogramMean('bridge_produce_latency_seconds')) * 1000,
    });
  } else if (command === 'stop') {
    await app.stop('bench done');
    process.exit(0);
  }
});
process.send?.({ type: 'ready', port: app.mqttPort });
