/**
 * npm run bench -w @fleet/sinks  (the infrastructure must be up: npm run infra:up)
 *
 * 1. line building: own builder vs the client's Point
 * 2. raw baseline: HTTP POST of pre-built lines into the real InfluxDB, per batch size
 * 3. full path: Avro records pre-produced to Kafka → sink → InfluxDB, per batch size (500/1000/5000),
 *    timed from the sink's first fetched batch to its last point written
 * 4. produce → queryable delay (p50/p99) under background load
 * Each raw and sink run writes into a fresh database and starts once InfluxDB is idle; each prints
 * the CPU per point of InfluxDB, Kafka and the writer. Bounded: BENCH_READINGS (default 300000) per
 * run, BENCH_REPS (default 3) interleaved raw/sink pairs per batch size (BENCH_BATCH_SIZES), medians
 * reported (InfluxDB's CPU per point varies between runs); ~10 minutes in all.
 */
import { type TelemetryReading, telemetryAvroSchema, valueSubject } from '@fleet/contracts';
import { infraEndpoints, infraStatus } from '@fleet/infra';
import { machineCpuMeter, ProcessSampler, type ProcessUsage, processCpuSeconds } from '@fleet/testkit/bench';
import { createAvroSerde, createKafka, createProducer, Registry, silentLogger } from '@fleet/runtime';
import { Point } from '@influxdata/influxdb-client';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../src/app';
import { lineText } from '../src/domain/line-protocol';
import { TELEMETRY_FIELDS, telemetryLine } from '../src/domain/telemetry-line';
import { BENCH_VEHICLES, benchReadings, benchSinkConfig, median, produceReadings } from './bench-readings';

const N = Number(process.env.BENCH_READINGS ?? 300_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const BATCH_SIZES = (process.env.BENCH_BATCH_SIZES ?? '500,1000,5000').split(',').map(Number);
const WRITE_CONCURRENCY = Number(process.env.BENCH_WRITE_CONCURRENCY ?? 2);
const infra = infraEndpoints();
const log = silentLogger();
const run = Date.now().toString(36);
const startTs = Date.now() - 6 * 3600_000;

const readings = (prefix: string, count: number) => benchReadings(prefix, count, startTs);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function lineBuildingBench(): void {
  const sample = readings('lb', 100_000);
  let started = performance.now();
  let bytes = 0;
  for (const r of sample) {
    const result = telemetryLine(r);
    if (result.ok) bytes += result.line.end - result.line.start;
  }
  const own = sample.length / ((performance.now() - started) / 1000);
  started = performance.now();
  for (const r of sample) {
    const point = new Point('telemetry').tag('vehicle_id', r.vehicleId).timestamp(String(r.ts));
    for (const spec of TELEMETRY_FIELDS) {
      const value = r[spec.key];
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      if (spec.kind === 'float') point.floatField(spec.field, value);
      else if (spec.kind === 'bool') point.booleanField(spec.field, value);
      else point.stringField(spec.field, (value as string[]).join(','));
    }
    bytes += point.toLineProtocol()?.length ?? 0;
  }
  const viaPoint = sample.length / ((performance.now() - started) / 1000);
  console.log(`line building: own ${fmt(own)} lines/s, client Point ${fmt(viaPoint)} lines/s (${(own / viaPoint).toFixed(1)}x)  [${bytes > 0 ? 'ok' : ''}]`);
}

interface RunFigures {
  rate: number;
  /** CPU µs per point of InfluxDB, the Kafka broker and this process (the raw client, or the sink). */
  influxUs: number | null;
  kafkaUs: number | null;
  ownUs: number | null;
  /** Whole machine, percent of all cores. */
  busyPercent: number | null;
}

let sampler: ProcessSampler | undefined;
let influxPid = 0;

/**
 * Waits until InfluxDB is idle (under 10 % of a core for two seconds in a row, at most 60 s): the
 * cache snapshots and compactions after a run would otherwise bill their CPU to the next one. Two
 * seconds, because its compaction planner looks for work once a second.
 */
async function settleInflux(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let before = processCpuSeconds(influxPid);
  let quietWindows = 0;
  while (before !== null && quietWindows < 4 && Date.now() < deadline) {
    await sleep(500);
    const now = processCpuSeconds(influxPid);
    if (now === null) return;
    quietWindows = now - before < 0.05 ? quietWindows + 1 : 0;
    before = now;
  }
}

/** CPU of InfluxDB, Kafka and this process from now until `finish`. */
function watchCpu(): { finish(points: number, seconds: number): RunFigures } {
  sampler?.beginPhase();
  const machine = machineCpuMeter(cpus().length);
  return {
    finish(points, seconds) {
      const usage = sampler?.endPhase() ?? [];
      const usPerPoint = (name: string) => {
        const cpuSeconds = usage.find((entry: ProcessUsage) => entry.name === name)?.cpuSeconds;
        return cpuSeconds == null ? null : (cpuSeconds * 1e6) / points;
      };
      return {
        rate: points / seconds,
        influxUs: usPerPoint('influxdb'),
        kafkaUs: usPerPoint('kafka'),
        ownUs: usPerPoint('bench'),
        busyPercent: machine.stop(),
      };
    },
  };
}

async function influxQl(statement: string): Promise<void> {
  const response = await fetch(`${infra.influx.url}/query`, { method: 'POST', body: new URLSearchParams({ q: statement }) });
  if (!response.ok) throw new Error(`InfluxDB "${statement}": ${response.status} ${await response.text()}`);
}

/**
 * Runs `measure` against a database of its own (InfluxDB 1.8), dropped afterwards: every run then
 * starts from the same empty state instead of inheriting earlier runs' series and compactions,
 * which made InfluxDB's CPU per point vary by half between otherwise identical runs.
 */
async function inOwnDatabase<T>(name: string, measure: (bucket: string) => Promise<T>): Promise<T> {
  const database = `sinks_bench_${run}_${name}`;
  await influxQl(`CREATE DATABASE "${database}"`);
  try {
    return await measure(`${database}/autogen`);
  } finally {
    await influxQl(`DROP DATABASE "${database}"`);
  }
}

async function baseline(batchSize: number, rep: number, bucket: string): Promise<RunFigures> {
  const lines = readings(`bench-${run}-raw${batchSize}-${rep}`, N).map((r) => {
    const result = telemetryLine(r);
    if (!result.ok) throw new Error(result.error);
    return lineText(result.line);
  });
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += batchSize) bodies.push(lines.slice(i, i + batchSize).join('\n'));
  const url = `${infra.influx.url}/api/v2/write?org=${infra.influx.org}&bucket=${encodeURIComponent(bucket)}&precision=ms`;
  await settleInflux();
  let next = 0;
  const started = performance.now();
  const cpu = watchCpu();
  await Promise.all(
    Array.from({ length: WRITE_CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(url, { method: 'POST', body, headers: { authorization: `Token ${infra.influx.token}` } });
        if (response.status !== 204) throw new Error(`baseline write: ${response.status} ${await response.text()}`);
      }
    }),
  );
  return cpu.finish(N, (performance.now() - started) / 1000);
}

const produce = (topic: string, items: readonly TelemetryReading[]) => produceReadings(infra, topic, items);

function benchConfig(topic: string, batchSize: number, bucket = infra.influx.bucket) {
  return benchSinkConfig(infra, topic, '', {
    INFLUX_BUCKET: bucket,
    INFLUX_BATCH_SIZE: String(batchSize),
    INFLUX_MAX_PENDING_LINES: String(Math.max(50_000, batchSize * 4)),
    INFLUX_WRITE_CONCURRENCY: String(WRITE_CONCURRENCY),
  });
}

/** Mean points per successful InfluxDB write request, from the sink's own metrics. */
async function meanPointsPerWrite(metrics: Registry): Promise<number> {
  const written = (await metrics.getSingleMetric('sink_points_written_total')?.get())?.values ?? [];
  const durations = (await metrics.getSingleMetric('sink_write_duration_seconds')?.get())?.values ?? [];
  const points = written.reduce((sum, entry) => sum + entry.value, 0);
  const requests = durations
    // A histogram's values carry their series name (prom-client types only the generic MetricValue here).
    .filter((entry) => (entry as { metricName?: string }).metricName === 'sink_write_duration_seconds_count' && entry.labels.outcome === 'ok')
    .reduce((sum, entry) => sum + entry.value, 0);
  return requests === 0 ? 0 : points / requests;
}

const writeSizes: number[] = [];

async function fullPath(batchSize: number, rep: number, bucket: string): Promise<RunFigures> {
  const topic = `bench-${run}-sink${batchSize}-${rep}`;
  await produce(topic, readings(topic, N));
  await settleInflux();
  const metrics = new Registry();
  const app = await createApp({ config: benchConfig(topic, batchSize, bucket), log, metrics, opsServer: false });
  try {
    // From the first fetched batch to the last point written: group join time is not throughput,
    // but filling the pipeline (decoding the first fetch, the first write) is.
    const fetched = () => {
      const stats = app.telemetry.stats();
      return stats.pending > 0 || stats.pointsWritten > 0;
    };
    while (!fetched()) await sleep(1);
    const started = performance.now();
    const cpu = watchCpu();
    const first = app.telemetry.stats().pointsWritten;
    const deadline = Date.now() + 120_000;
    while (app.telemetry.stats().pointsWritten < N && Date.now() < deadline) await sleep(2);
    const written = app.telemetry.stats().pointsWritten;
    if (written < N) throw new Error(`only ${written} of ${N} points written in 120 s`);
    const figures = cpu.finish(N - first, (performance.now() - started) / 1000);
    writeSizes.push(await meanPointsPerWrite(metrics));
    return figures;
  } finally {
    await app.stop();
  }
}

async function queryableDelay(): Promise<{ p50: number; p99: number; max: number; samples: number }> {
  const topic = `bench-${run}-latency`;
  await produce(topic, []);
  const app = await createApp({ config: benchConfig(topic, 5000), log, metrics: new Registry(), opsServer: false });
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'sinks-bench-latency', log });
  const producer = createProducer(kafka);
  await producer.connect();
  const encode = await createAvroSerde({ registryUrl: infra.registryUrl }).encoderFor<TelemetryReading>(valueSubject(topic), telemetryAvroSchema);
  const probeVehicle = `bench-${run}-probe`;
  const [database] = infra.influx.bucket.split('/');
  const delays: number[] = [];
  let background = true;
  // Background load: ~5000 readings/s from 1000 vehicles.
  const load = (async () => {
    let i = 0;
    while (background) {
      const batch = readings(`bench-${run}-bg`, 500).map((r, k) => ({ ...r, ts: startTs + 3600_000 + i * 500 + k }));
      await producer.send({ topic, messages: batch.map((r) => ({ key: r.vehicleId, value: encode(r) })) });
      i++;
      await sleep(100);
    }
  })();
  try {
    await sleep(8_000); // group join + warm-up
    const until = Date.now() + 15_000;
    for (let seq = 1; Date.now() < until; seq++) {
      const probe = { ...readings(probeVehicle, 1)[0]!, vehicleId: probeVehicle, ts: Date.now(), seq };
      const sentAt = performance.now();
      await producer.send({ topic, messages: [{ key: probeVehicle, value: encode(probe) }] });
      const query = `SELECT last(seq) FROM telemetry WHERE vehicle_id = '${probeVehicle}'`;
      for (;;) {
        const response = await fetch(`${infra.influx.url}/query?${new URLSearchParams({ db: database ?? 'fleet', q: query })}`);
        const body = (await response.json()) as { results: { series?: { values: [string, number][] }[] }[] };
        if (body.results[0]?.series?.[0]?.values[0]?.[1] === seq) break;
        if (performance.now() - sentAt > 10_000) throw new Error('probe not queryable within 10 s');
        await sleep(5);
      }
      delays.push(performance.now() - sentAt);
      await sleep(50);
    }
  } finally {
    background = false;
    await load;
    await producer.disconnect();
    await app.stop();
  }
  delays.sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: delays[delays.length - 1]!, samples: delays.length };
}

async function main(): Promise<void> {
  console.log(`sinks benchmark: ${fmt(N)} readings per run, ${BENCH_VEHICLES} vehicles, write concurrency ${WRITE_CONCURRENCY}, InfluxDB ${infra.influx.url}`);
  lineBuildingBench();
  const services = await infraStatus();
  const pidOf = (name: string) => services.find((service) => service.name === name)?.pid ?? 0;
  influxPid = pidOf('influxdb');
  sampler = new ProcessSampler(
    [
      { name: 'influxdb', pid: pidOf('influxdb') },
      { name: 'kafka', pid: pidOf('kafka') },
      { name: 'bench', pid: process.pid },
    ].filter((target) => target.pid > 0),
  );
  const us = (value: number | null) => (value === null ? '?' : value.toFixed(1));
  const cpuText = (figures: RunFigures, own: string) =>
    `InfluxDB ${us(figures.influxUs)} + Kafka ${us(figures.kafkaUs)} + ${own} ${us(figures.ownUs)} µs CPU per point, machine ${figures.busyPercent ?? '?'} % busy`;
  for (const batchSize of BATCH_SIZES) {
    const raw: RunFigures[] = [];
    const sink: RunFigures[] = [];
    writeSizes.length = 0;
    for (let rep = 0; rep < REPS; rep++) {
      raw.push(await inOwnDatabase(`raw${batchSize}_${rep}`, (bucket) => baseline(batchSize, rep, bucket)));
      console.log(`  batch ${batchSize} run ${rep + 1} raw:  ${fmt(raw[rep]!.rate).padStart(8)} points/s (${cpuText(raw[rep]!, 'client')})`);
      sink.push(await inOwnDatabase(`sink${batchSize}_${rep}`, (bucket) => fullPath(batchSize, rep, bucket)));
      console.log(`  batch ${batchSize} run ${rep + 1} sink: ${fmt(sink[rep]!.rate).padStart(8)} points/s (${cpuText(sink[rep]!, 'sink')})`);
    }
    const rawMedian = median(raw.map((figures) => figures.rate));
    const sinkMedian = median(sink.map((figures) => figures.rate));
    console.log(
      `batch ${String(batchSize).padStart(5)}: raw line-protocol POST median ${fmt(rawMedian).padStart(8)} points/s | ` +
        `Kafka→sink→InfluxDB median ${fmt(sinkMedian).padStart(8)} points/s (mean ${writeSizes.map(fmt).join('/')} points per write) | ` +
        `ratio ${((100 * sinkMedian) / rawMedian).toFixed(0)}%`,
    );
  }
  const delay = await queryableDelay();
  console.log(
    `produce→queryable under ~5000 readings/s: p50 ${delay.p50.toFixed(0)} ms, p99 ${delay.p99.toFixed(0)} ms, ` +
      `max ${delay.max.toFixed(0)} ms (${delay.samples} probes)`,
  );
}

await main();
process.exit(0);
