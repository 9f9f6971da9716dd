/** Benchmark helpers: CPU and memory of processes and of the machine, from /proc (no vitest import). */
export { machineCpuMeter } from './machine-cpu';
export { type ProcessTarget, type ProcessUsage, ProcessSampler, processCpuSeconds } from './process-sampler';
