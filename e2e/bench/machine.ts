import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface MachineDescription {
  cpuModel: string;
  cores: number;
  ramGb: number;
  freeRamGbAtStart: number;
  node: string;
  kernel: string;
  loadAverageAtStart: number[];
}

export function describeMachine(): MachineDescription {
  const cores = cpus();
  const gb = (bytes: number) => Math.round((bytes / 1024 ** 3) * 10) / 10;
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    ramGb: gb(totalmem()),
    freeRamGbAtStart: gb(freemem()),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
