/** Environment knobs of `npm run bench` (all optional). */
export interface BenchOptions {
  ramp: boolean;
  rampStart: number;
  rampStep: number;
  rampMax: number;
  stepSeconds: number;
  fixed: boolean;
  fixedVehicles: number;
  fixedSeconds: number;
  pubackP99BoundMs: number;
  vehiclesPerConnection: number;
  speedingShare: number;
  harshShare: number;
  influxPollMs: number;
  sampleEvery: number;
  cpuProfile: boolean;
  keepData: boolean;
  timeoutMinutes: number;
  outDir: string;
  /** Extra environment per service, for tuning experiments (reported with the results). */
  serviceEnv: Record<string, Record<string, string>>;
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected a number in [${min}, ${max}]`);
  return value;
}

export const BENCH_USAGE = `npm run bench — the whole pipeline under load (see README.md "Performance")
  BENCH_RAMP=0                 skip the ramp (default 1)
  BENCH_RAMP_START / _STEP / _MAX   vehicles at 1 Hz (2000 / 2000 / 30000)
  BENCH_STEP_SECONDS           each ramp step (30)
  BENCH_FIXED=0                skip the fixed load (default 1)
  BENCH_VEHICLES               fixed load vehicles (5000)
  BENCH_FIXED_SECONDS          fixed load duration (120)
  BENCH_PUBACK_P99_MS          ramp: PUBACK p99 bound of a sustained step (1000)
  BENCH_CPU_PROF=1             write V8 CPU profiles of the services to bench-results/profiles
  BENCH_TIMEOUT_MINUTES        hard bound of the whole run (30)
  BENCH_KEEP_DATA=1            keep the run's InfluxDB series (dropped by default)
  BENCH_SERVICE_ENV            tuning experiments: 'sinks:INFLUX_WRITE_CONCURRENCY=4;bridge:BATCH_LINGER_MS=2'`;

export function benchOptions(env: NodeJS.ProcessEnv): BenchOptions {
  return {
    ramp: env.BENCH_RAMP?.trim() !== '0',
    rampStart: number(env, 'BENCH_RAMP_START', 2000, 100, 100_000),
    rampStep: number(env, 'BENCH_RAMP_STEP', 2000, 100, 100_000),
    rampMax: number(env, 'BENCH_RAMP_MAX', 30_000, 100, 200_000),
    stepSeconds: number(env, 'BENCH_STEP_SECONDS', 30, 10, 600),
    fixed: env.BENCH_FIXED?.trim() !== '0',
    fixedVehicles: number(env, 'BENCH_VEHICLES', 5000, 1, 20_000),
    fixedSeconds: number(env, 'BENCH_FIXED_SECONDS', 120, 5, 3600),
    pubackP99BoundMs: number(env, 'BENCH_PUBACK_P99_MS', 1000, 1, 60_000),
    vehiclesPerConnection: number(env, 'BENCH_VEHICLES_PER_CONNECTION', 100, 1, 20_000),
    speedingShare: number(env, 'BENCH_SPEEDING_SHARE', 0.1, 0, 1),
    harshShare: number(env, 'BENCH_HARSH_SHARE', 0.1, 0, 1),
    influxPollMs: number(env, 'BENCH_INFLUX_POLL_MS', 100, 10, 10_000),
    sampleEvery: number(env, 'BENCH_SAMPLE_EVERY', 50, 1, 10_000),
    cpuProfile: env.BENCH_CPU_PROF?.trim() === '1',
    keepData: env.BENCH_KEEP_DATA?.trim() === '1',
    timeoutMinutes: number(env, 'BENCH_TIMEOUT_MINUTES', 30, 1, 600),
    outDir: env.BENCH_OUT?.trim() || 'bench-results',
    serviceEnv: parseServiceEnv(env.BENCH_SERVICE_ENV ?? ''),
  };
}

/** `service:KEY=value;service:KEY=value` → { service: { KEY: value } }. */
export function parseServiceEnv(raw: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const item of raw.split(';').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([a-z-]+):([A-Z0-9_]+)=(.*)$/.exec(item);
    if (!match) throw new Error(`BENCH_SERVICE_ENV: "${item}" is not service:KEY=value`);
    const [, service = '', key = '', value = ''] = match;
    result[service] = { ...result[service], [key]: value };
  }
  return result;
}
