/**
 * Bridge throughput benchmark (prints figures; not a test). Needs Kafka and the registry
 * (`npm run infra:up kafka schema-registry`). For each of {bridge, pass-through baseline} ×
 * {QoS 0, QoS 1} × {1,000, 10,000 devices}: a fresh bridge process, devices connected, warm-up,
 * then a measured window. BENCH_SECONDS (default 8), BENCH_DEVICES (default 1000,10000),
 * BENCH_QOS (0,1), BENCH_MODES (bridge,pass-through), BENCH_NODE_FLAGS (default --max-semi-space-size=32);
 * BENCH_CPU_PROF=1 writes V8 CPU profiles of the bridge processes to bench/profiles/.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createKafka, silentLogger } from '@fleet/runtime';
import { loadBridgeConfig } from '../src/config';
import { type LoadStats, openDevices } from './load-generator';

interface BridgeReport {
  wallMs: number;
  cpuCores: number;
  rssMb: number;
  produced: number;
  inFlight: number;
  ackLatencyMs: { p50: number; p99: number };
  batchRecordsMean: number;
  produceMsMean: number;
}

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const deviceCounts = (process.env.BENCH_DEVICES ?? '1000,10000').split(',').map(Number);
const qosLevels = (process.env.BENCH_QOS ?? '0,1').split(',').map(Number) as (0 | 1)[];
const modes = (process.env.BENCH_MODES ?? 'bridge,pass-through').split(',');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function request<T>(child: ChildProcess, command: string, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type === reply) {
        child.off('message', onMessage);
        resolve(message as T);
      }
    };
    child.on('message', onMessage);
    if (command !== '') child.send(command);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function scenario(passthrough: boolean, qos: 0 | 1, devices: number) {
  const runId = `b${randomBytes(3).toString('hex')}`;
  const topic = `bench-telemetry-${runId}`;
  const env = {
    ...process.env,
    TELEMETRY_TOPIC: topic,
    DLQ_TOPIC: `bench-dlq-${runId}`,
    MQTT_PORT: '0',
    MQTT_WS_ENABLED: 'false',
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    BENCH_PASSTHROUGH: passthrough ? '1' : '0',
  };
  const execArgv = ['--import', 'tsx', ...(process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=32').split(' ').filter(Boolean)];
  if (process.env.BENCH_CPU_PROF === '1') {
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${new URL('./profiles/', import.meta.url).pathname}`);
  }
  const child = fork(new URL('./bridge-process.ts', import.meta.url).pathname, [], { env, execArgv });
  const { port } = await request<{ port: number }>(child, '', 'ready');
  const load = await openDevices({ port, devices, qos, window: qos === 1 ? Math.max(1, Math.round(20_000 / devices)) : 0, ratePerSecond: 150_000 }, runId);
  load.start();
  await sleep(2000); // warm-up (JIT, batch sizes)
  await request(child, 'mark', 'marked');
  const mark: LoadStats = { ...load.stats, latenciesMs: [] };
  load.stats.latenciesMs = [];
  await sleep(seconds * 1000);
  const report = await request<BridgeReport>(child, 'report', 'report');
  const latencies = load.stats.latenciesMs.sort((a, b) => a - b);
  load.stop();
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));

  const readingsPerSecond = report.produced / (report.wallMs / 1000);
  return {
    mode: passthrough ? 'pass-through' : 'bridge',
    qos,
    devices,
    readingsPerSecond,
    perBridgeCore: readingsPerSecond / Math.max(report.cpuCores, 0.01),
    p50: qos === 1 ? quantile(latencies, 0.5) : report.ackLatencyMs.p50,
    p99: qos === 1 ? quantile(latencies, 0.99) : report.ackLatencyMs.p99,
    cpuCores: report.cpuCores,
    rssMb: report.rssMb,
    offered: (load.stats.sent - mark.sent) / (report.wallMs / 1000),
    batchRecordsMean: report.batchRecordsMean,
    produceMsMean: report.produceMsMean,
    topic,
  };
}

type Result = Awaited<ReturnType<typeof scenario>>;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-');

async function main() {
  const results: Result[] = [];
  for (const devices of deviceCounts) {
    for (const qos of qosLevels) {
      for (const passthrough of [false, true].filter((p) => modes.includes(p ? 'pass-through' : 'bridge'))) {
        const result = await scenario(passthrough, qos, devices);
        results.push(result);
        console.log(
          `${result.mode.padEnd(12)} QoS ${qos} ${fmt(devices).padStart(6)} devices: ${fmt(result.readingsPerSecond).padStart(7)} readings/s ` +
            `(${fmt(result.perBridgeCore)}/bridge-core), p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms, ` +
            `bridge CPU ${fmt(result.cpuCores * 100)}%, RSS ${fmt(result.rssMb)} MB, offered ${fmt(result.offered)}/s, ` +
            `mean batch ${fmt(result.batchRecordsMean)} records / ${fmt(result.produceMsMean, 1)} ms per produce request, load avg ${os.loadavg()[0]!.toFixed(1)}`,
        );
      }
    }
  }
  console.log('\n| QoS | devices | bridge readings/s | per bridge core | p50 / p99 ms | CPU | RSS MB | pass-through readings/s | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (let i = 0; i + 1 < results.length; i += 2) {
    const b = results[i]!;
    const p = results[i + 1]!;
    console.log(
      `| ${b.qos} | ${fmt(b.devices)} | ${fmt(b.readingsPerSecond)} | ${fmt(b.perBridgeCore)} | ${fmt(b.p50, 1)} / ${fmt(b.p99, 1)} | ` +
        `${fmt(b.cpuCores * 100)}% | ${fmt(b.rssMb)} | ${fmt(p.readingsPerSecond)} (p99 ${fmt(p.p99, 1)} ms, CPU ${fmt(p.cpuCores * 100)}%) | ${fmt((100 * b.readingsPerSecond) / p.readingsPerSecond)}% |`,
    );
  }
  console.log('QoS 1 latency: publish → PUBACK (= Kafka ack) at the device. QoS 0 latency: bridge receive → Kafka ack of each batch\'s oldest record (histogram bucket bound).');

  const config = loadBridgeConfig(process.env);
  const admin = createKafka({ brokers: config.kafka.brokers, clientId: 'bridge-bench', log: silentLogger() }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: results.flatMap((r) => [r.topic, r.topic.replace('telemetry', 'dlq')]) }).catch(() => {});
  await admin.disconnect();
}

await main();
