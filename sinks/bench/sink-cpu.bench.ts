/**
 * npm run bench:cpu -w @fleet/sinks  (the infrastructure must be up: npm run infra:up)
 *
 * The sink's own CPU per point, without InfluxDB: BENCH_READINGS (default 1,000,000) Avro readings
 * are produced to Kafka once, then the sink consumes them BENCH_REPS (default 3) times, each time
 * as a new consumer group, writing to an HTTP server that accepts every write and stores nothing.
 * On a shared 2-core machine InfluxDB's CPU per point varies by a third between runs; this figure
 * does not, so it is the one to compare sink changes by. The full-path ratio is `npm run bench`.
 *
 * Before that, the same records are consumed by the sink's kafkajs consumer loop doing only a
 * prefix of the sink's work per record (nothing; Avro decoding; decoding and line building): the
 * floor that any sink built on this stack pays, next to which the sink's own figure is read.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { infraEndpoints } from '@fleet/infra';
import { type TelemetryReading, telemetryAvroSchema } from '@fleet/contracts';
import { createAvroSerde, createKafka, Registry, silentLogger, startBatchConsumer } from '@fleet/runtime';
import { createApp } from '../src/app';
import { telemetryLine } from '../src/domain/telemetry-line';
import { benchReadings, benchSinkConfig, median, produceReadings } from './bench-readings';

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

const STAGES = ['fetch only', 'fetch + Avro decode', 'fetch + decode + line'] as const;
type Stage = (typeof STAGES)[number];

/** CPU µs per record of the sink's consumer loop doing only `stage`'s share of the sink's work. */
async function consumeStage(stage: Stage, rep: number): Promise<number> {
  const decode = createAvroSerde({ registryUrl: infra.registryUrl }).decoderFor<TelemetryReading>(telemetryAvroSchema);
  let records = 0;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  const consumer = await startBatchConsumer({
    kafka: createKafka({ brokers: infra.kafkaBrokers, clientId: 'sinks-bench-stage', log: silentLogger() }),
    groupId: `${topic}-stage-${STAGES.indexOf(stage)}-${rep}`,
    topics: [topic],
    log: silentLogger(),
    commit: 'by-caller',
    handle: async ({ messages }) => {
      cpuBefore ??= process.cpuUsage();
      for (const message of messages) {
        if (stage !== 'fetch only' && message.value) {
          const decoded = decode(message.value);
          const reading = decoded instanceof Promise ? await decoded : decoded;
          if (stage === 'fetch + decode + line') {
            const built = telemetryLine(reading);
            if (!built.ok) throw new Error(`benchmark reading rejected: ${built.error}`);
          }
        }
        records++;
      }
    },
  });
  try {
    const deadline = Date.now() + 300_000;
    while (records < N && Date.now() < deadline) await sleep(5);
    if (records < N) throw new Error(`only ${records} of ${N} records consumed in 300 s`);
    const cpu = process.cpuUsage(cpuBefore);
    return (cpu.user + cpu.system) / N;
  } finally {
    await consumer.stop();
  }
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
  for (const stage of STAGES) {
    const figures: number[] = [];
    for (let rep = 0; rep < REPS; rep++) figures.push(await consumeStage(stage, rep));
    console.log(`  ${stage.padEnd(22)} ${median(figures).toFixed(2)} µs CPU per record (median; ${figures.map((f) => f.toFixed(2)).join(', ')})`);
  }
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
  console.log(`sink CPU per point: median ${median(figures).toFixed(2)} µs (${Math.min(...figures).toFixed(2)}–${Math.max(...figures).toFixed(2)})`);
}

await main();
process.exit(0);
