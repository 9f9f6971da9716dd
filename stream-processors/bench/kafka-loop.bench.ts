/**
 * Kafka consumer → producer loop of the stream processors against a consume-and-forward baseline.
 *
 *   npm run bench:kafka -w @fleet/stream-processors
 *
 * Pre-produces BENCH_READINGS (500,000) Avro readings of BENCH_VEHICLES (10,000) vehicles to a
 * fresh BENCH_PARTITIONS (6) partition telemetry topic, BENCH_GEOFENCES (100) geofences and the
 * vehicles to fresh registry topics, then runs, each in a process of its own and one after the
 * other, (1) consume only: the same eachBatch consumer loop doing nothing (the kafkajs ceiling),
 * (2) the baseline: that loop forwarding every record unchanged with the same idempotent acks=all
 * producer, (3) the processor app (startProcessorApp). Prints
 * readings/s (wall and per CPU-second of the measured process), events, state and RSS, and the
 * processor/baseline ratio. Each phase is bounded by BENCH_PHASE_TIMEOUT_S (300); all topics,
 * consumer groups and registry subjects of the run are deleted at the end.
 *
 * KAFKA_BROKERS / SCHEMA_REGISTRY_URL default to the local infrastructure (npm run infra:status).
 * BENCH_CPU_PROF=1 writes a V8 CPU profile per phase (--cpu-prof) to the OS temp folder.
 * BENCH_ONLY=consume,baseline,processor (any subset) runs only those phases.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchOptions, type BenchRun, benchKafka, changelogSize, cleanUp, newBenchRun, produceFixture, recordCounts } from './kafka-loop-fixture';
import type { PhaseResult, Role } from './kafka-loop-runner';

const env = process.env;
const int = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const options: BenchOptions = {
  brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
  registryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:18081/apis/ccompat/v7',
  readings: int('BENCH_READINGS', 500_000),
  vehicles: int('BENCH_VEHICLES', 10_000),
  geofences: int('BENCH_GEOFENCES', 100),
  partitions: int('BENCH_PARTITIONS', 6),
  phaseTimeoutMs: int('BENCH_PHASE_TIMEOUT_S', 300) * 1000,
  // Shorter than the service's 5 s so the final checkpoint does not dominate a short replay.
  stateFlushMs: int('BENCH_STATE_FLUSH_MS', 1000),
};
const ALL_ROLES: Role[] = ['consume', 'baseline', 'processor'];
const roles = env.BENCH_ONLY ? ALL_ROLES.filter((role) => env.BENCH_ONLY?.split(',').includes(role)) : ALL_ROLES;
const profileDir = env.BENCH_CPU_PROF === '1' ? mkdtempSync(join(tmpdir(), 'kafka-loop-prof-')) : undefined;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function runInChild(role: Role, run: BenchRun): Promise<PhaseResult> {
  const runner = fileURLToPath(new URL('./kafka-loop-runner.ts', import.meta.url));
  const child = fork(runner, ['--kafka-loop-phase'], {
    execArgv: [
      '--max-semi-space-size=64',
      '--import',
      'tsx',
      // A folder per phase: tsx's loader thread writes a profile of its own next to the main thread's.
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, role)] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<PhaseResult>((resolve, reject) => {
    // The child bounds its own phase; this only catches a child that hangs while stopping.
    const killer = setTimeout(() => child.kill('SIGKILL'), run.options.phaseTimeoutMs + 120_000);
    child.once('message', (message: { result?: PhaseResult; error?: string }) => {
      if (message.result) resolve(message.result);
      else reject(new Error(`${role} phase failed: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      reject(new Error(`${role} phase exited (${code ?? signal}) without a result`));
    });
    child.send({ role, run, expectedReadings: run.options.readings });
  });
}

function printTable(results: PhaseResult[], counts: Map<string, number>, run: BenchRun, state: Awaited<ReturnType<typeof changelogSize>> | undefined) {
  const rows: [string, (r: PhaseResult) => string][] = [
    ['records consumed', (r) => `${fmt(r.readings)}${r.complete ? '' : ' (INCOMPLETE: phase timed out)'}`],
    ['wall time (first batch → last commit)', (r) => `${fmt(r.wallSeconds, 2)} s`],
    ['readings/s (wall)', (r) => fmt(r.readings / r.wallSeconds)],
    ['CPU (user + system)', (r) => `${fmt(r.cpuUserSeconds, 2)} + ${fmt(r.cpuSystemSeconds, 2)} s`],
    ['readings per CPU-second', (r) => fmt(r.readings / (r.cpuUserSeconds + r.cpuSystemSeconds))],
    ['partition batches', (r) => `${fmt(r.batches)} (mean ${fmt(r.readings / Math.max(1, r.batches))} records)`],
    ['start-up to first batch', (r) => `${fmt(r.startupSeconds, 1)} s`],
    ['peak RSS', (r) => `${fmt(r.peakRssMb)} MiB`],
    ['heap used at end', (r) => `${fmt(r.heapUsedMb)} MiB`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const col = 30;
  const title: Record<Role, string> = { consume: 'consume only', baseline: 'forward (baseline)', processor: 'processor' };
  console.log(`\n${''.padEnd(width)}${results.map((r) => title[r.role].padEnd(col)).join('')}`);
  for (const [label, cell] of rows) console.log(`${label.padEnd(width)}${results.map((r) => cell(r).padEnd(col)).join('')}`);

  const processor = results.find((r) => r.role === 'processor');
  const baseline = results.find((r) => r.role === 'baseline');
  const consume = results.find((r) => r.role === 'consume');
  const rate = (r: PhaseResult) => r.readings / r.wallSeconds;
  const perCpu = (r: PhaseResult) => r.readings / (r.cpuUserSeconds + r.cpuSystemSeconds);
  console.log('');
  for (const [name, reference] of [['forward baseline', baseline], ['consume only', consume]] as const) {
    if (!processor?.complete || !reference?.complete) continue;
    console.log(
      `processor / ${name}: ${fmt((100 * rate(processor)) / rate(reference))} % of its wall throughput · ${fmt((100 * perCpu(processor)) / perCpu(reference))} % of its readings per CPU-second`,
    );
  }
  if (processor) {
    const events = counts.get(run.topics.events) ?? 0;
    const byType = Object.entries(processor.eventsByType ?? {}).map(([type, n]) => `${type} ${fmt(n)}`);
    console.log(`events produced  ${fmt(events)} (${byType.join(' · ')})`);
    console.log(`readings         ${Object.entries(processor.readingsByOutcome ?? {}).map(([outcome, n]) => `${outcome} ${fmt(n)}`).join(' · ')} · dead letters ${fmt(counts.get(run.topics.dlq) ?? 0)}`);
    const changelog = counts.get(run.topics.state) ?? 0;
    console.log(`changelog        ${fmt(changelog)} records written (${fmt(changelog / processor.readings, 2)} per reading) · state of ${fmt(processor.stateVehicles ?? 0)} vehicles in memory`);
    if (state) {
      console.log(
        `state size       ${fmt(state.bytes / 2 ** 20, 2)} MiB JSON restorable for ${fmt(state.vehicles)} vehicles · mean ${fmt(state.bytes / Math.max(1, state.vehicles))} B · max ${fmt(state.maxBytes)} B${state.complete ? '' : ' (read-back timed out)'}`,
      );
    }
  }
  if (baseline) console.log(`baseline         ${fmt(counts.get(run.topics.forward) ?? 0)} records forwarded`);
}

async function main(): Promise<void> {
  const run = newBenchRun(options);
  let cleaned = false;
  const cleanUpOnce = async () => {
    if (cleaned) return;
    cleaned = true;
    const problems = await cleanUp(run);
    console.log(problems.length === 0 ? 'cleaned up: topics, consumer groups and registry subjects of this run deleted' : `clean-up problems: ${problems.join('; ')}`);
  };
  process.once('SIGINT', () => {
    void cleanUpOnce().finally(() => process.exit(130));
  });

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Kafka loop benchmark — node ${process.version}, ${availableParallelism()} × ${cpuModel}; broker ${options.brokers.join(',')} on the same machine`,
  );
  console.log(
    `${fmt(options.readings)} readings · ${fmt(options.vehicles)} vehicles · ${options.geofences} geofences · ${options.partitions} partitions · checkpoint every ${fmt(options.stateFlushMs)} ms · topics ${run.topics.telemetry.replace(/\.telemetry$/, '.*')}`,
  );
  try {
    const fixture = await produceFixture(run);
    console.log(`pre-produced ${fmt(fixture.bytes / 2 ** 20, 1)} MiB (key + Avro value) in ${fmt(fixture.seconds, 1)} s (not timed)`);
    const results: PhaseResult[] = [];
    for (const role of roles) {
      console.log(`running ${role} …`);
      results.push(await runInChild(role, run));
    }
    const counts = await recordCounts(benchKafka(options, 'bench-counts'), [
      run.topics.events,
      run.topics.state,
      run.topics.dlq,
      run.topics.forward,
    ]);
    const state = roles.includes('processor') ? await changelogSize(run, counts.get(run.topics.state) ?? 0, 60_000) : undefined;
    printTable(results, counts, run, state);
    if (profileDir) console.log(`CPU profiles: ${profileDir}`);
  } finally {
    await cleanUpOnce();
  }
}

await main();
