import { readFileSync } from 'node:fs';

interface CpuTimes {
  busy: number;
  total: number;
}

function read(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Whole-machine CPU use between start and stop, in percent of one core (200 = both cores busy). */
export function machineCpuMeter(cores: number): { stop(): number | null } {
  const start = read();
  return {
    stop() {
      const end = read();
      if (!start || !end || end.total === start.total) return null;
      return Math.round(((end.busy - start.busy) / (end.total - start.total)) * cores * 100);
    },
  };
}
