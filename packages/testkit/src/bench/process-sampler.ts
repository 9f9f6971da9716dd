import { readFileSync } from 'node:fs';

export interface ProcessTarget {
  name: string;
  pid: number;
}

export interface ProcessUsage {
  name: string;
  pid: number;
  /** Percent of one core over the phase. */
  cpuPercent: number | null;
  cpuSeconds: number | null;
  peakRssMb: number | null;
  rssMb: number | null;
}

/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in ticks, or null when it is gone (or not Linux). */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state (field 3).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  const ticks = cpuTicks(pid);
  return ticks === null ? null : ticks / TICKS_PER_SECOND;
}

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU (from /proc/<pid>/stat) and RSS (sampled each second, peak kept) per process, per phase. */
export class ProcessSampler {
  private baseline = new Map<number, { ticks: number | null; at: number }>();
  private readonly peaks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly targets: ProcessTarget[]) {}

  start(): void {
    this.beginPhase();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  beginPhase(): void {
    const at = performance.now();
    this.baseline = new Map(this.targets.map((target) => [target.pid, { ticks: cpuTicks(target.pid), at }]));
    this.peaks.clear();
    this.sample();
  }

  /** RSS now, MB, per process name. */
  rss(): Record<string, number | null> {
    return Object.fromEntries(this.targets.map((target) => [target.name, rssMb(target.pid)]));
  }

  endPhase(): ProcessUsage[] {
    this.sample();
    const now = performance.now();
    return this.targets.map(({ name, pid }) => {
      const base = this.baseline.get(pid);
      const ticks = cpuTicks(pid);
      const cpuSeconds = base?.ticks != null && ticks !== null ? (ticks - base.ticks) / TICKS_PER_SECOND : null;
      const wallSeconds = base ? (now - base.at) / 1000 : 0;
      const rss = rssMb(pid);
      return {
        name,
        pid,
        cpuSeconds: cpuSeconds === null ? null : round(cpuSeconds),
        cpuPercent: cpuSeconds === null || wallSeconds <= 0 ? null : round((cpuSeconds / wallSeconds) * 100),
        peakRssMb: round(this.peaks.get(pid) ?? rss),
        rssMb: round(rss),
      };
    });
  }

  private sample(): void {
    for (const { pid } of this.targets) {
      const rss = rssMb(pid);
      if (rss !== null && rss > (this.peaks.get(pid) ?? 0)) this.peaks.set(pid, rss);
    }
  }
}

function round(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 10) / 10;
}
