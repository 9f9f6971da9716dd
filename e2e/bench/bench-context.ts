import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureInfra, type InfraEndpoints, infraStatus, repoRoot } from '@fleet/infra';
import type { Pipeline } from '@fleet/infra/pipeline';
import { createKafka, silentLogger } from '@fleet/runtime';
import { startTestPipeline } from '../src/test-pipeline';
import type { BenchOptions } from './bench-options';
import { type EventObserver, startEventObserver } from './event-observer';
import { dropSeries } from './influx-probe';
import { createKafkaProbe, type KafkaProbe } from './kafka-probe';
import { type ProcessTarget, ProcessSampler } from '@fleet/testkit/bench';
import { type SimClient, startSimWorker } from './sim-client';
import type { PublishedRow } from './sim-protocol';

export interface BenchContext {
  options: BenchOptions;
  runId: string;
  namespace: string;
  endpoints: InfraEndpoints;
  pipeline: Pipeline & { adminToken: string };
  brokerUrl: string;
  groups: { processors: string; sinks: string };
  probe: KafkaProbe;
  observer: EventObserver;
  sampler: ProcessSampler;
  sim: SimClient;
  /** Tracked readings from the simulator go to whoever listens now. */
  onPublished: { current: (rows: PublishedRow[]) => void };
  outDir: string;
  say(line: string): void;
  close(): Promise<void>;
}

const clock = () => new Date().toISOString().slice(11, 19);

/** Infrastructure (started if needed, never stopped), the four services, observers and the simulator worker. */
export async function openBenchContext(options: BenchOptions): Promise<BenchContext> {
  const say = (line: string) => process.stdout.write(`[${clock()}] ${line}\n`);
  const runId = randomBytes(3).toString('hex');
  const namespace = `bench-${Date.now().toString(36)}-${runId}`;
  const outDir = resolve(repoRoot, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    say('infrastructure: checking (started if not running; left running afterwards)');
    const { endpoints } = await ensureInfra({ owner: 'cli', log: (line) => say(`  [infra] ${line}`) });
    const preload = pathToFileURL(fileURLToPath(new URL('./cpu-profile-preload.mjs', import.meta.url))).href;
    const extra: Record<string, string> = options.cpuProfile
      ? { NODE_OPTIONS: `--import ${preload}`, BENCH_CPU_PROF_DIR: join(outDir, 'profiles', namespace) }
      : {};
    say(`pipeline: starting bridge, stream-processors, sinks, alerts (namespace ${namespace})`);
    // Last to run on close: the run's InfluxDB series go (BENCH_KEEP_DATA=1 keeps them for a look).
    if (!options.keepData) {
      cleanups.push(() => dropSeries(endpoints.influx, runId).then(() => say(`InfluxDB: dropped the run's series (${runId}*)`)));
    }
    const services = ['bridge', 'stream-processors', 'sinks', 'alerts'];
    const env = Object.fromEntries(services.map((name) => [name, { ...extra, LOG_LEVEL: 'warn', ...options.serviceEnv[name] }]));
    // One more try: a service can fail its start while Kafka is still propagating the new topics.
    const pipeline = await startTestPipeline(endpoints, namespace, env).catch((error: unknown) => {
      say(`  a service failed to start (${error instanceof Error ? error.message : String(error)}); trying once more`);
      return startTestPipeline(endpoints, namespace, env);
    });
    cleanups.push(() => pipeline.stop());

    const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: `${namespace}-bench`, log: silentLogger() });
    const probe = await createKafkaProbe(kafka);
    cleanups.push(() => probe.close());
    const observer = await startEventObserver(kafka, endpoints.registryUrl, pipeline.topics.events, `${namespace}.bench-observer`);
    cleanups.push(() => observer.close());

    const onPublished = { current: (_rows: PublishedRow[]) => {} };
    const sim = await startSimWorker((rows) => onPublished.current(rows));
    cleanups.push(() => sim.close());

    const infra = await infraStatus();
    const pidOf = (name: string) => infra.find((service) => service.name === name)?.pid;
    const targets: ProcessTarget[] = [
      ...pipeline.services.map((service) => ({ name: service.spec.name, pid: service.child.pid ?? 0 })),
      { name: 'kafka', pid: pidOf('kafka') ?? 0 },
      { name: 'schema-registry', pid: pidOf('schema-registry') ?? 0 },
      { name: 'influxdb', pid: pidOf('influxdb') ?? 0 },
      { name: 'simulator', pid: sim.pid },
      { name: 'bench (observers)', pid: process.pid },
    ].filter((target) => target.pid > 0);
    const sampler = new ProcessSampler(targets);
    sampler.start();
    cleanups.push(async () => sampler.stop());

    return {
      options,
      runId,
      namespace,
      endpoints,
      pipeline,
      brokerUrl: `mqtt://127.0.0.1:${pipeline.ports.mqtt}`,
      groups: { processors: `${namespace}.stream-processors`, sinks: `${namespace}.fleet-sinks-telemetry` },
      probe,
      observer,
      sampler,
      sim,
      onPublished,
      outDir,
      say,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
