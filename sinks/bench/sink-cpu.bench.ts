/**
 * npm run bench:cpu -w @fleet/sinks  (the infrastructure must be up: npm run infra:up)
 *
 * The sink's own CPU per point, without InfluxDB: BENCH_READINGS (default 1,000,000) Avro readings
 * are produced to Kafka once, then the sink consumes them BENCH_REPS (default 3) times, each time
 * as a new consumer group, writing to an HTTP server that accepts every write and stores nothing.
 * On a shared 2-core machine InfluxDB's CPU per point varies by a third between runs; this figure
 * does not, so it is the one to compare sink changes by. The full-path ratio is `npm run bench`.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { infraEndpoints } from '@fleet/infra';
import { Registry, silentLogger } from '@fleet/runtime';
import { createApp } from '../src/app';
import { benchReadings, benchSinkConfig, produceReadings } from './bench-readings';

const N = Number(process.env.BENCH_READINGS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 5000);
const infra = infraEndpoints();
const topic = `bench-cpu-${Date.now().toString(36)}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function startNullInflux(): Promise<{ url: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./null-influx.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { url: `http://127.0.0.1:${message.port}`, stop: () => child.kill() };
}

async function consumeOnce(influxUrl: string, rep: number): Promise<{ usPerPoint: number; rate: number; rssMb: number }> {
  const config = benchSinkConfig(infra, topic, String(rep), { INFLUX_URL: influxUrl, INFLUX_BATCH_SIZE: String(BATCH_SIZE) });
  const app = await createApp({ config, log: silentLogger(), metrics: new Registry(), opsServer: false });
  try {
    const fetched = () => app.telemetry.stats().pending > 0 || app.telemetry.stats().pointsWritten > 0;
    while (!fetched()) await sleep(1);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let peakRss = 0;
    const deadline = Date.now() + 300_000;
    while (app.telemetry.stats().pointsWritten < N && Date.now() < deadline) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await sleep(5);
    }
    const written = app.telemetry.stats().pointsWritten;
    if (written < N) throw new Error(`only ${written} of ${N} points written in 300 s`);
    const cpu = process.cpuUsage(cpuBefore);
    return { usPerPoint: (cpu.user + cpu.system) / N, rate: N / ((performance.now() - started) / 1000), rssMb: peakRss / 1e6 };
  } finally {
    await app.stop();
  }
}

async function main(): Promise<void> {
  console.log(`sink CPU benchmark: ${fmt(N)} readings, batch ${BATCH_SIZE}, ${REPS} runs, writes to a null InfluxDB`);
  let items = benchReadings(topic, N, Date.now() - 6 * 3600_000);
  await produceReadings(infra, topic, items);
  items = [];
  const influx = await startNullInflux();
  const figures: number[] = [];
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const run = await consumeOnce(influx.url, rep);
      figures.push(run.usPerPoint);
      console.log(`  run ${rep + 1}: ${run.usPerPoint.toFixed(2)} µs CPU per point, ${fmt(run.rate)} points/s, peak RSS ${fmt(run.rssMb)} MB (bench process)`);
    }
  } finally {
    influx.stop();
  }
  const sorted = [...figures].sort((a, b) => a - b);
  console.log(`sink CPU per point: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} µs (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`);
}

await main();
process.exit(0);
